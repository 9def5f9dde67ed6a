import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import type { Plan } from "../../db/schema";
import type { DocStore, StoredDoc } from "../../server/collab/doc-store.server";
import { RoomRegistry } from "../../server/collab/rooms.server";

/** Plans' documents kept in memory: for services' tests on either store, whose documents are not under test. */
class MemoryDocStore implements DocStore {
  private readonly updates = new Map<string, Uint8Array[]>();
  private sequence = 0;

  async load(planId: string): Promise<StoredDoc> {
    const updates = this.updates.get(planId) ?? [];
    const state = updates.length > 0 ? Y.mergeUpdates(updates) : Y.encodeStateAsUpdate(new Y.Doc());
    return { state, lastUpdateId: this.sequence, loggedUpdates: updates.length };
  }

  async append(planId: string, update: Uint8Array): Promise<number> {
    this.updates.set(planId, [...(this.updates.get(planId) ?? []), update]);
    return ++this.sequence;
  }

  async compact(): Promise<void> {}
}

/** Rooms over documents in memory, for the plans `plans` holds. */
export function memoryRooms(plans: ReadonlyMap<string, Plan>): RoomRegistry {
  return new RoomRegistry(new MemoryDocStore(), {
    idleUnloadMs: 3_600_000,
    compactAfterUpdates: 500,
    awarenessBatchMs: 50,
    planOf: async (planId) => plans.get(planId),
    maxPlanBytes: 1 << 24,
    maxPresenceClients: 4,
  });
}

/** Adds a paragraph of `words` to the section's narrative. */
export function writeParagraph(doc: Y.Doc, sectionKey: string, words: string): void {
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(words)]);
  doc.getXmlFragment(sectionFragmentName(sectionKey)).push([paragraph]);
}
