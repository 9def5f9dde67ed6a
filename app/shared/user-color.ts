/** Caret colours with at least 4.5:1 contrast against their labels' white text (WCAG AA). */
const PALETTE = [
  "#1d70b8",
  "#d4351c",
  "#00703c",
  "#6f3c97",
  "#8a5a00",
  "#b3400a",
  "#912b88",
  "#00726b",
  "#4c2c92",
  "#5a6b1f",
];

/** A stable colour per user, so a person keeps their colour across sessions and devices. */
export function userColor(userId: string): string {
  let hash = 0;
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length]!;
}
