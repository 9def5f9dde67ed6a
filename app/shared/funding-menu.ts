/**
 * The departmental funding menu of "Community Budgets: the offer to local areas" (2011): lines
 * the departments named as likely to suit pooling or aligning, offered as suggested budget lines.
 */
export const FUNDING_MENU: readonly { department: string; fundingLine: string }[] = [
  { department: "DWP", fundingLine: "Jobcentre Plus flexible (discretionary) funding" },
  { department: "DWP", fundingLine: "Work Programme" },
  { department: "DWP", fundingLine: "European Social Fund (families with multiple problems)" },
  { department: "Home Office", fundingLine: "Drugs Intervention Programme main grant" },
  { department: "Home Office", fundingLine: "Police funding for local priorities" },
  { department: "Ministry of Justice", fundingLine: "Youth Offending Team grant" },
  { department: "Ministry of Justice", fundingLine: "Probation / NOMS interventions funding" },
  { department: "Department of Health", fundingLine: "PCT funding (mental health, older people, drug and alcohol)" },
  { department: "Department of Health", fundingLine: "Family Nurse Partnership and health visitor services" },
  { department: "Department for Education", fundingLine: "Early Intervention Grant" },
];

export const DEPARTMENTS: readonly string[] = [...new Set(FUNDING_MENU.map((line) => line.department))];
