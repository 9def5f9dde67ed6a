/**
 * The wording behind recently handed-out section hashes, so that a sign-off refused because
 * the section moved on can show the signatory what changed since they read it. Bounded: the
 * least recently handed-out entries go first, and a very large section is not kept.
 */
export class SeenContent {
  private readonly entries = new Map<string, string>();

  constructor(
    private readonly maxEntries = 2000,
    private readonly maxTextLength = 200_000,
  ) {}

  remember(planId: string, sectionKey: string, hash: string, readableText: string): void {
    if (readableText.length > this.maxTextLength) return;
    const key = entryKey(planId, sectionKey, hash);
    this.entries.delete(key);
    this.entries.set(key, readableText);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  textOf(planId: string, sectionKey: string, hash: string): string | undefined {
    return this.entries.get(entryKey(planId, sectionKey, hash));
  }
}

const entryKey = (planId: string, sectionKey: string, hash: string) => `${planId}\u0000${sectionKey}\u0000${hash}`;
