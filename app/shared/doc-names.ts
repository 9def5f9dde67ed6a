/**
 * Names of the shared types in a plan's Y.Doc (part of the public document schema): every
 * module that reads or writes a section goes through these, never through string literals.
 */
export function sectionFragmentName(sectionKey: string): string {
  return `section:${sectionKey}`;
}

export function sectionDataName(sectionKey: string): string {
  return `data:${sectionKey}`;
}
