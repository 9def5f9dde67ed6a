/** One step of a Yjs text delta (`YTextEvent.delta`). */
export interface DeltaStep {
  retain?: number;
  insert?: unknown;
  delete?: number;
}

/**
 * Where a caret at `index` ends up after someone else's change: text inserted before it
 * pushes it on, text deleted before it pulls it back, and text inserted exactly at it stays
 * after the caret, as in Google Docs.
 */
export function mapThroughDelta(delta: readonly DeltaStep[], index: number): number {
  let position = 0;
  let mapped = index;
  for (const step of delta) {
    if (position >= index && step.insert === undefined) break;
    if (step.retain !== undefined) {
      position += step.retain;
    } else if (step.insert !== undefined) {
      const length = typeof step.insert === "string" ? step.insert.length : 1;
      if (position < index) mapped += length;
      else break;
    } else if (step.delete !== undefined) {
      const removed = Math.min(step.delete, index - position);
      mapped -= removed;
      position += step.delete;
      if (position >= index) break;
    }
  }
  return Math.max(0, mapped);
}
