/**
 * Every limit the collaboration server puts on what one client may send or make it hold, with
 * why each value is what it is. Editors are trusted with content, not with the server: these
 * bound the work and memory one connection can cause, well above what the editor produces.
 */
export const COLLAB_LIMITS = {
  /**
   * Largest WebSocket frame; ws closes a larger one with 1009 before buffering it. Above the
   * update limit so that an oversized update is refused with a readable reason, not cut off.
   */
  maxPayloadBytes: 8 * 1024 * 1024,

  /**
   * Largest document update one message may carry. Pasting a 200-page report makes about
   * 1.2 MB of Yjs update (the cold-open benchmark's plan); a sync after days offline is far
   * smaller. Applying 4 MiB of the worst shape allowed takes well under a second.
   */
  maxUpdateBytes: 4 * 1024 * 1024,

  /**
   * Largest stored plan (snapshot plus update log) that still takes updates that add content.
   * Ten times the 200-page plan; each open plan costs about 20 times its stored size in
   * memory (decision 0011). Past it, updates that only delete are still taken, so a plan can
   * always be trimmed back under the limit.
   */
  maxPlanBytes: 16 * 1024 * 1024,

  /**
   * Deepest nesting of elements in a section's rich text, counted from the section. The
   * editor nests only through lists (a list and its item are two levels) and blockquotes;
   * ten levels of list in a blockquote with its paragraph is 22. Word and Google Docs stop
   * lists at nine levels.
   */
  maxElementDepth: 32,

  /**
   * Deepest nesting of shared types in a structured part, counted from `data:<key>`:
   * `rows` (1) holds row maps (2), whose `amounts` map or free-text `Y.Text` is 3.
   */
  maxDataDepth: 3,

  /**
   * Deepest nesting of a plain JSON value (an element attribute, a row field, a mark's
   * attributes): a link mark's `{href, target}` is 1.
   */
  maxValueDepth: 2,

  /** Unsent bytes one connection may have queued before it is dropped as too slow. */
  maxBufferedBytes: 4 * 1024 * 1024,

  /**
   * Bytes the whole process may hold queued for messages bigger than one connection's share
   * (a large plan's full state on join). A join that would pass it is told to try again
   * later (1013), so many clients asking for a big plan at once cannot exhaust memory.
   */
  maxLargeSendBytes: 64 * 1024 * 1024,

  /**
   * Presence client ids one connection may speak for. The stock provider uses one per
   * document; a page that reloads its document while connected may briefly hold two.
   */
  maxPresenceClientsPerConnection: 4,

  /** Largest presence state (JSON): a cursor with the user's name is about 400 bytes. */
  maxPresenceStateBytes: 8 * 1024,

  /** How often each connection is pinged; one that misses a pong is closed. */
  pingIntervalMs: 30_000,
} as const;

export type CollabLimits = typeof COLLAB_LIMITS;
