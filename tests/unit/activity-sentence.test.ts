import { describe, expect, it } from "vitest";
import { activitySentence, peopleNamed } from "../../app/shared/activity-sentence";

const names = {
  people: new Map([["u-margaret", "Margaret Hale"]]),
  sections: new Map([["business-rates", "Business rates"]]),
};

describe("an audit entry as a sentence", () => {
  it.each([
    [
      { type: "signoff.signed", actor: "Margaret Hale", detail: { sectionKey: "business-rates", side: "local" } },
      "Margaret Hale signed off ‘Business rates’ for the Local side",
    ],
    [
      {
        type: "signoff.signed",
        actor: "Rachel Byrne",
        detail: { sectionKey: "business-rates", side: "local", onBehalfOf: "u-margaret" },
      },
      "Rachel Byrne signed off ‘Business rates’ for the Local side, as deputy for Margaret Hale",
    ],
    [
      {
        type: "signoff.stale",
        actor: "Tom Okafor",
        detail: { sectionKey: "business-rates", side: "local", signedBy: "u-margaret" },
      },
      "Tom Okafor changed ‘Business rates’ after Margaret Hale signed it off for the Local side, so that sign-off no longer covers it",
    ],
    [
      {
        type: "signoff.returned",
        actor: "Margaret Hale",
        detail: { sectionKey: "business-rates", side: "local", reason: "the figures do not match the MTFS" },
      },
      "Margaret Hale returned ‘Business rates’ for the Local side: the figures do not match the MTFS",
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
    [
      {
        type: "budget.year-removed",
        actor: "Tom Okafor",
        detail: { sectionKey: "business-rates", year: "2012-13", pence: 110_000_000 },
      },
      "Tom Okafor removed the financial year 2012-13 from ‘Business rates’, and with it £1,100,000 from its totals",
    ],
    [
      {
        type: "table.rows-changed",
        actor: "Tom Okafor",
        detail: { sectionKey: "business-rates", added: 4, removed: 1, updated: 0 },
      },
      "Tom Okafor added 4 rows and removed 1 row of ‘Business rates’ in one go (an import or a paste)",
    ],
    [
      {
        type: "table.rows-changed",
        actor: "Alison Reed",
        detail: { sectionKey: "business-rates", added: 0, removed: 0, updated: 3 },
      },
      "Alison Reed changed 3 rows of ‘Business rates’ in one go (an import or a paste)",
    ],
    [{ type: "something.new", actor: "Alison Reed", detail: null }, "Alison Reed: something.new"],
  ])("%j", (entry, sentence) => {
    expect(activitySentence(entry, names)).toBe(sentence);
  });

  it("looks up the signatory a deputy signed for", () => {
    expect(peopleNamed({ sectionKey: "business-rates", side: "local", onBehalfOf: "u-margaret" })).toEqual([
      "u-margaret",
    ]);
  });
});
