/** Caret colours with enough contrast on white for their labels' white text. */
const PALETTE = [
  "#1d70b8",
  "#d4351c",
  "#00703c",
  "#6f3c97",
  "#b58840",
  "#f47738",
  "#912b88",
  "#28a197",
  "#4c2c92",
  "#85994b",
];

/** A stable colour per user, so a person keeps their colour across sessions and devices. */
export function userColor(userId: string): string {
  let hash = 0;
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length]!;
}
