/** What each kind of version is called, for the history panel and the PDF cover. */
export const VERSION_KIND_LABEL = {
  auto: "Automatic version",
  named: "Named version",
  signoff: "Sign-off",
  restore: "Before a restore",
} as const;

export type VersionKindName = keyof typeof VERSION_KIND_LABEL;

/** A version's name, or its kind when it has none. */
export function versionTitle(version: { kind: VersionKindName; name: string | null }): string {
  return version.name ?? VERSION_KIND_LABEL[version.kind];
}
