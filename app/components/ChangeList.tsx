/** A word of a section's wording: kept, added or removed since a sign-off. */
export interface WordChange {
  kind: "same" | "added" | "removed";
  text: string;
}

/** The words that changed, marked as insertions and deletions. */
export function ChangeList({ changes }: { changes: WordChange[] }) {
  return (
    <p className="diff" data-testid="signoff-diff">
      {changes.map((change, index) =>
        change.kind === "added" ? (
          <ins key={index}>{change.text}</ins>
        ) : change.kind === "removed" ? (
          <del key={index}>{change.text}</del>
        ) : (
          <span key={index}>{change.text}</span>
        ),
      )}
    </p>
  );
}
