import { ROLE_LABEL, type Role, type Side } from "../../app/shared/permissions";

/** How the signer proved it was them; passkeys may add another. */
export type SignoffMethod = "password";

/**
 * The statement a signer makes (21 CFR Part 11 §11.50: who, in what capacity, what it means),
 * written by the server from the records, never taken from the client: the person, their role
 * on the plan and organisation, the side they sign for, the section and the plan.
 */
export function signoffMeaning(signing: {
  name: string;
  role: Role;
  organisation: string;
  side: Side;
  sectionTitle: string;
  planTitle: string;
  /** The signatory a deputy signs for: the deputy states that capacity instead of a role. */
  onBehalfOf?: string | null;
}): string {
  const { name, role, organisation, side, sectionTitle, planTitle, onBehalfOf } = signing;
  return (
    `I, ${name}, approve section '${sectionTitle}' of '${planTitle}' for the ${side} side, ` +
    `as ${onBehalfOf ? `deputy for ${onBehalfOf}` : ROLE_LABEL[role]}, ${organisation}`
  );
}
