/** A refusal's message ("email: already taken") as a sentence for a form: capitalised, with a full stop. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1) + (text.endsWith(".") ? "" : ".");
}
