import { formatPounds } from "./budget";
import { ROLE_LABEL, SIDE_LABEL, type Role, type Side } from "./permissions";

/** What a sentence about an audit entry needs to know besides the entry itself. */
export interface ActivityNames {
  /** People by id (members past and present). */
  people: ReadonlyMap<string, string>;
  /** Section titles by key, from the plan's template. */
  sections: ReadonlyMap<string, string>;
}

export interface ActivityEntry {
  type: string;
  actor: string | null;
  detail: Record<string, unknown> | null;
}

const text = (value: unknown) => (typeof value === "string" ? value : "");
const role = (value: unknown) => ((value as Role) in ROLE_LABEL ? ROLE_LABEL[value as Role].toLowerCase() : "member");
const side = (value: unknown) => ((value as Side) in SIDE_LABEL ? SIDE_LABEL[value as Side] : "");

/**
 * An audit entry as a sentence a person reads ("Margaret Hale signed off 'Business rates' for
 * the Local side"); the raw detail stays available beside it, and the CSV keeps the columns.
 */
export function activitySentence(entry: ActivityEntry, names: ActivityNames): string {
  const who = entry.actor ?? "Coplan";
  const detail = entry.detail ?? {};
  const person = (key: string) => names.people.get(text(detail[key])) ?? "a former member";
  const section = () => {
    const key = text(detail.sectionKey);
    return `‘${names.sections.get(key) ?? key}’`;
  };
  switch (entry.type) {
    case "plan.created":
      return `${who} created the plan`;
    case "plan.changed": {
      const changes = [
        typeof detail.title === "string" ? `renamed the plan ‘${detail.title}’` : "",
        typeof detail.area === "string" ? `set its area to ${detail.area}` : "",
        detail.archived === true
          ? "archived the plan"
          : detail.archived === false
            ? "brought the plan back from the archive"
            : "",
      ].filter(Boolean);
      return `${who} ${changes.length ? changes.join(" and ") : "changed the plan"}`;
    }
    case "plan.exported":
      return `${who} exported ${detail.versionId ? "a version of the plan" : "the plan"} as ${
        detail.format === "docx" ? "a Word document" : "PDF"
      }${detail.withComments ? ", with its comments" : ""}`;
    case "signoff.signed":
      return `${who} signed off ${section()} for the ${side(detail.side)} side${
        typeof detail.onBehalfOf === "string" ? `, as deputy for ${person("onBehalfOf")}` : ""
      }`;
    case "signoff.revoked":
      return `${who} withdrew their sign-off of ${section()} for the ${side(detail.side)} side`;
    case "signoff.stale":
      return `${who} changed ${section()} after ${person("signedBy")} signed it off for the ${side(detail.side)} side, so that sign-off no longer covers it`;
    case "signoff.returned":
      return `${who} returned ${section()} for the ${side(detail.side)} side: ${text(detail.reason)}`;
    case "signoff.requested":
      return `${who} asked for sign-off of ${section()}${typeof detail.dueDate === "string" ? ` by ${detail.dueDate}` : ""}`;
    case "member.added":
      return `${who} added ${person("memberId")} as ${role(detail.role)}`;
    case "member.removed":
      return `${who} removed ${person("memberId")} (${role(detail.role)}) from the plan`;
    case "member.role-changed":
      return `${who} made ${person("memberId")} ${role(detail.to)} (was ${role(detail.from)})`;
    case "member.signs-off-changed":
      return detail.signsOff
        ? `${who} made ${person("memberId")} a signatory too`
        : `${who} stopped ${person("memberId")} signing off sections`;
    case "version.named":
      return `${who} saved the version ‘${text(detail.name)}’`;
    case "version.restored": {
      const sections = Array.isArray(detail.sections) ? detail.sections.length : 0;
      return `${who} restored ${sections === 1 ? "one section" : `${sections} sections`} from an earlier version`;
    }
    case "budget.year-removed":
      return `${who} removed the financial year ${text(detail.year)} from ${section()}, and with it ${formatPounds(
        typeof detail.pence === "number" ? detail.pence : 0,
      )} from its totals`;
    case "table.rows-changed": {
      const rows = (key: string) => (typeof detail[key] === "number" ? (detail[key] as number) : 0);
      const parts = [
        rows("added") ? `added ${count(rows("added"), "row")}` : "",
        rows("removed") ? `removed ${count(rows("removed"), "row")}` : "",
        rows("updated") ? `changed ${count(rows("updated"), "row")}` : "",
      ].filter(Boolean);
      return `${who} ${listed(parts)} of ${section()} in one go (an import or a paste)`;
    }
    case "invitation.sent":
      return `${who} invited ${text(detail.email)}${detail.role ? ` as ${role(detail.role)}` : ""}`;
    case "invitation.resent":
      return `${who} sent ${text(detail.email)}'s invitation again`;
    case "invitation.withdrawn":
      return `${who} withdrew ${text(detail.email)}'s invitation`;
    case "invitation.accepted":
      return `${who} accepted an invitation and joined the plan`;
    default:
      return `${who}: ${entry.type}`;
  }
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const listed = (parts: string[]) =>
  parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : (parts[0] ?? "changed rows");

/** The ids of people an entry names besides its actor, to look their names up. */
export function peopleNamed(detail: Record<string, unknown> | null): string[] {
  return ["memberId", "signedBy", "onBehalfOf"].flatMap((key) =>
    typeof detail?.[key] === "string" ? [detail[key] as string] : [],
  );
}
