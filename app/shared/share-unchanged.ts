/**
 * `next` with every part that equals the same part of `previous` (by value) replaced by that
 * part of `previous`: what did not change stays the same object, so the page's memoised parts
 * drawn from it are not redrawn. Plain JSON data only (objects, arrays, strings, numbers,
 * booleans, null), as it comes from the server.
 */
export function shareUnchanged<T>(previous: T, next: T): T {
  if (Object.is(previous, next)) return previous;
  if (typeof previous !== "object" || typeof next !== "object" || previous === null || next === null) return next;
  if (Array.isArray(previous) !== Array.isArray(next)) return next;
  if (Array.isArray(previous) && Array.isArray(next)) {
    const shared = next.map((item, index) => shareUnchanged(previous[index], item));
    const same = shared.length === previous.length && shared.every((item, index) => item === previous[index]);
    return (same ? previous : shared) as T;
  }
  const before = previous as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const shared: Record<string, unknown> = {};
  for (const key of Object.keys(after)) shared[key] = shareUnchanged(before[key], after[key]);
  const keys = Object.keys(shared);
  const same =
    keys.length === Object.keys(before).length && keys.every((key) => key in before && shared[key] === before[key]);
  return (same ? previous : shared) as T;
}
