import { describe, expect, it } from "vitest";
import { digestMail } from "../../server/mail/messages.server";

const item = { text: "Tom Okafor mentioned you", url: "http://coplan.test/plans/1" };
const settingsUrl = "http://coplan.test/account";

describe("the digest email", () => {
  it("speaks of one notification in the singular", () => {
    const mail = digestMail({ items: [item], settingsUrl });
    expect(mail.subject).toBe("1 new notification in Coplan");
    expect(mail.text).toContain("There was 1 new notification for you in Coplan:");
    expect(mail.html).toContain("There was 1 new notification for you in Coplan:");
  });

  it("and of several in the plural", () => {
    const mail = digestMail({ items: [item, item], settingsUrl });
    expect(mail.subject).toBe("2 new notifications in Coplan");
    expect(mail.text).toContain("There were 2 new notifications for you in Coplan:");
  });
});
