import { describe, expect, it } from "vitest";
import { activitySentence } from "../../app/shared/activity-sentence";

const names = {
  people: new Map([["u-margaret", "Margaret Hale"]]),
  sections: new Map([["business-rates", "Business rates"]]),
};

describe("an audit entry as a sentence", () => {
  it.each([
    [
      { type: "signoff.signed", actor: "Margaret Hale", detail: { sectionKey: "business-rates", side: "local" } },
      "Margaret Hale signed off ‘Business rates’ for the local side",
    ],
    [
      {
        type: "signoff.stale",
        actor: "Tom Okafor",
        detail: { sectionKey: "business-rates", side: "local", signedBy: "u-margaret" },
      },
      "Tom Okafor changed ‘Business rates’ after Margaret Hale signed it off for the local side, so that sign-off no longer covers it",
    ],
    [
      {
        type: "signoff.returned",
        actor: "Margaret Hale",
        detail: { sectionKey: "business-rates", side: "local", reason: "the figures do not match the MTFS" },
      },
      "Margaret Hale returned ‘Business rates’ for the local side: the figures do not match the MTFS",
    ],
    [
      {
        type: "signoff.requested",
        actor: "Tom Okafor",
        detail: { sectionKey: "business-rates", sides: ["local"], dueDate: "2026-12-08" },
      },
      "Tom Okafor asked for sign-off of ‘Business rates’ by 2026-12-08",
    ],
    [
      { type: "member.removed", actor: "Alison Reed", detail: { memberId: "gone", role: "viewer" } },
      "Alison Reed removed a former member (viewer) from the plan",
    ],
    [
      { type: "plan.exported", actor: null, detail: { withComments: true } },
      "Coplan exported the plan as PDF, with its comments",
    ],
    [
      { type: "plan.exported", actor: "Tom Okafor", detail: { format: "docx", versionId: "v1" } },
      "Tom Okafor exported a version of the plan as a Word document",
    ],
    [{ type: "plan.changed", actor: "Alison Reed", detail: { archived: true } }, "Alison Reed archived the plan"],
    [{ type: "something.new", actor: "Alison Reed", detail: null }, "Alison Reed: something.new"],
  ])("%j", (entry, sentence) => {
    expect(activitySentence(entry, names)).toBe(sentence);
  });
});
