import type { SectionKind } from "./template-schema";

/**
 * The columns of each structured kind: the field names of the rows in `data:<key>`'s `rows`
 * (part of the public document schema), with how the UI shows and edits them.
 */
export type FieldType = "text" | "longtext" | "select" | "date";

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  options?: readonly { value: string; label: string }[];
  /** Shown as suggestions while typing, not enforced. */
  suggestions?: "funding-lines" | "departments";
}

export type StructuredKind = Exclude<SectionKind, "text">;

/** What each kind of section is called on the page and in the PDF. */
export const SECTION_KIND_LABEL: Record<SectionKind, string> = {
  text: "Narrative",
  budget: "Shadow budget",
  outcomes: "Outcomes",
  milestones: "Timescales",
  gap: "Gap analysis",
  "delivery-chain": "Delivery chains",
  register: "Asks of Whitehall",
};

const options = (...pairs: [string, string][]) => pairs.map(([value, label]) => ({ value, label }));

export const TREATMENTS = options(
  ["pooled", "Pooled"],
  ["aligned", "Aligned"],
  ["in-kind", "In kind"],
  ["out-of-scope", "Out of scope"],
);

export const ASSET_TYPES = options(["building", "Building"], ["staff", "Staff (FTE)"], ["equipment", "Equipment"]);

/** Budget rows: `rowType` "funding" or "asset"; amounts per financial year are in `amounts`. */
export const BUDGET_FUNDING_FIELDS: FieldDef[] = [
  { name: "organisation", label: "Organisation", type: "text" },
  { name: "department", label: "Department", type: "text", suggestions: "departments" },
  { name: "fundingLine", label: "Funding line", type: "text", suggestions: "funding-lines" },
  { name: "treatment", label: "Treatment", type: "select", options: TREATMENTS },
  { name: "notes", label: "Notes", type: "text" },
];

export const BUDGET_ASSET_FIELDS: FieldDef[] = [
  { name: "organisation", label: "Organisation", type: "text" },
  { name: "assetType", label: "Asset", type: "select", options: ASSET_TYPES },
  { name: "description", label: "Description", type: "text" },
  { name: "quantity", label: "Quantity", type: "text" },
  { name: "treatment", label: "Treatment", type: "select", options: TREATMENTS },
  { name: "notes", label: "Notes", type: "text" },
];

export const MILESTONE_STATUSES = options(
  ["not-started", "Not started"],
  ["in-progress", "In progress"],
  ["at-risk", "At risk"],
  ["done", "Done"],
);

export const STRUCTURED_FIELDS: Record<Exclude<StructuredKind, "budget">, FieldDef[]> = {
  outcomes: [
    { name: "outcome", label: "Outcome", type: "longtext" },
    {
      name: "scope",
      label: "National or local",
      type: "select",
      options: options(["local", "Local"], ["national", "National"]),
    },
    { name: "measure", label: "Success measure", type: "longtext" },
    { name: "baseline", label: "Baseline", type: "text" },
    { name: "target", label: "Target", type: "text" },
    { name: "owner", label: "Owner", type: "text" },
  ],
  milestones: [
    { name: "milestone", label: "Milestone", type: "longtext" },
    { name: "owner", label: "Owner", type: "text" },
    { name: "due", label: "Due", type: "date" },
    { name: "status", label: "Status", type: "select", options: MILESTONE_STATUSES },
  ],
  gap: [
    { name: "theme", label: "Theme", type: "text" },
    { name: "asIs", label: "As is", type: "longtext" },
    { name: "toBe", label: "To be", type: "longtext" },
    { name: "actions", label: "Actions", type: "longtext" },
  ],
  "delivery-chain": [
    { name: "service", label: "Service", type: "text" },
    { name: "commissioner", label: "Commissioner", type: "text" },
    { name: "provider", label: "Provider", type: "text" },
    {
      name: "providerSector",
      label: "Provider sector",
      type: "select",
      options: options(["public", "Public"], ["vcs", "Voluntary and community"], ["private", "Private"]),
    },
    { name: "fundingStream", label: "Funding stream", type: "text" },
  ],
  register: [
    { name: "ask", label: "Barrier or flexibility sought", type: "longtext" },
    { name: "department", label: "Department", type: "text", suggestions: "departments" },
    { name: "owner", label: "Owner", type: "text" },
    {
      name: "status",
      label: "Status",
      type: "select",
      options: options(
        ["raised", "Raised"],
        ["in-discussion", "In discussion"],
        ["agreed", "Agreed"],
        ["declined", "Declined"],
      ),
    },
  ],
};

export function isStructuredKind(kind: SectionKind): kind is StructuredKind {
  return kind !== "text";
}
