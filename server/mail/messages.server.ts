/** The emails Coplan sends, each as plain text and simple HTML saying the same in plain English. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Paragraphs and one call to action, rendered both ways. */
function compose(subject: string, paragraphs: string[], action?: { label: string; url: string }): MailContent {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : []), "— Coplan"].join("\n\n");
  const html = [
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(action ? [`<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`] : []),
    "<p>— Coplan</p>",
  ].join("\n");
  return { subject, text, html: `<!doctype html><html><body>\n${html}\n</body></html>` };
}

export function invitationMail(input: {
  inviterName: string;
  planTitle: string | null;
  role: string | null;
  link: string;
}): MailContent {
  const where = input.planTitle
    ? `to work on the plan "${input.planTitle}" in Coplan${input.role ? ` as ${withArticle(input.role)}` : ""}`
    : "to Coplan";
  return compose(
    input.planTitle
      ? `${input.inviterName} invited you to "${input.planTitle}"`
      : `${input.inviterName} invited you to Coplan`,
    [
      `${input.inviterName} has invited you ${where}.`,
      "Open the link below to choose your name and a password. The link works once and for 7 days.",
      "If you were not expecting this, you can ignore this email.",
    ],
    { label: "Accept the invitation", url: input.link },
  );
}

export function passwordResetMail(input: { name: string; link: string }): MailContent {
  return compose(
    "Reset your Coplan password",
    [
      `Hello ${input.name},`,
      "Someone (we hope you) asked to reset your Coplan password. Open the link below to choose a new one. It works once and for one hour.",
      "If you did not ask, ignore this email: your password stays as it is.",
    ],
    { label: "Choose a new password", url: input.link },
  );
}

/** `detail`: what the email says besides the one line (a comment's words, a request's message), one paragraph a line. */
export function notificationMail(input: {
  text: string;
  detail?: string | null;
  url: string;
  settingsUrl: string;
}): MailContent {
  return compose(
    input.text,
    [
      input.text,
      ...paragraphsOf(input.detail),
      `You can choose which emails Coplan sends you on your account page: ${input.settingsUrl}`,
    ],
    { label: "Open it in Coplan", url: input.url },
  );
}

export function digestMail(input: {
  items: { text: string; detail?: string | null; url: string }[];
  settingsUrl: string;
}): MailContent {
  const lines = input.items.map((item) =>
    [`• ${item.text} (${item.url})`, ...paragraphsOf(item.detail).map((p) => `  ${p}`)].join("\n"),
  );
  const count = input.items.length === 1 ? "1 new notification" : `${input.items.length} new notifications`;
  const subject = `${count} in Coplan`;
  const text = [
    `There ${input.items.length === 1 ? "was" : "were"} ${count} for you in Coplan:`,
    lines.join("\n"),
    `You can choose which emails Coplan sends you on your account page: ${input.settingsUrl}`,
    "— Coplan",
  ].join("\n\n");
  const html = [
    `<p>There ${input.items.length === 1 ? "was" : "were"} ${count} for you in Coplan:</p>`,
    `<ul>${input.items
      .map(
        (i) =>
          `<li><a href="${escapeHtml(i.url)}">${escapeHtml(i.text)}</a>${paragraphsOf(i.detail)
            .map((p) => `<br>${escapeHtml(p)}`)
            .join("")}</li>`,
      )
      .join("")}</ul>`,
    `<p>You can choose which emails Coplan sends you on <a href="${escapeHtml(input.settingsUrl)}">your account page</a>.</p>`,
    "<p>— Coplan</p>",
  ].join("\n");
  return { subject, text, html: `<!doctype html><html><body>\n${html}\n</body></html>` };
}

function paragraphsOf(detail: string | null | undefined): string[] {
  return (detail ?? "").split("\n").filter((line) => line.trim() !== "");
}

function withArticle(role: string): string {
  return /^[aeiou]/i.test(role) ? `an ${role}` : `a ${role}`;
}
