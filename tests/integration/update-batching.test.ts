import * as decoding from "lib0/decoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { countRows } from "../support/database";
import { RawPeer } from "../support/raw-peer";
import { useTestServer } from "../support/test-server";
import { waitFor } from "../support/yjs-client";

const EDITOR = "editor@swindon.example";

const server = useTestServer({ users: [EDITOR], demoPlan: true });

/** The relayed document updates (sync update messages) among `frames`. */
function documentUpdates(frames: Uint8Array[]): Uint8Array[] {
  return frames.flatMap((frame) => {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== 0 || decoding.readVarUint(decoder) !== 2) return [];
    return [decoding.readVarUint8Array(decoder)];
  });
}

describe("updates that arrive together", () => {
  it("are stored as one commit and reach each other peer as one message, and not their sender", async () => {
    const writer = await RawPeer.connect(server.url, server.demoPlanId, server.cookie(EDITOR));
    const observer = await RawPeer.connect(server.url, server.demoPlanId, server.cookie(EDITOR));
    const doc = await writer.fetchDocument();
    const observed = await observer.fetchDocument();
    const rowsBefore = countRows(server.databasePath, "plan_updates");
    const writerFramesBefore = writer.frames.length;
    const observerFramesBefore = observer.frames.length;

    const updates: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => updates.push(update));
    const section = doc.getXmlFragment(sectionFragmentName("gap-analysis"));
    for (let i = 0; i < 20; i++) {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(`burst ${i}`)]);
      section.insert(section.length, [paragraph]);
    }
    for (const update of updates) writer.sendUpdate(update);
    const stored = await writer.fetchDocument();

    const rowsAdded = countRows(server.databasePath, "plan_updates") - rowsBefore;
    expect(rowsAdded).toBeGreaterThanOrEqual(1);
    expect(rowsAdded).toBeLessThan(20);
    const observedSection = observed.getXmlFragment(sectionFragmentName("gap-analysis"));
    await waitFor(
      () => {
        for (const update of documentUpdates(observer.frames.slice(observerFramesBefore)))
          Y.applyUpdate(observed, update);
        return observedSection.toString().includes("burst 19<");
      },
      5_000,
      "the relayed burst",
    );
    expect(documentUpdates(observer.frames.slice(observerFramesBefore)).length).toBeLessThan(20);
    for (let i = 0; i < 20; i++) expect(observedSection.toString()).toContain(`burst ${i}<`);
    expect(stored.getXmlFragment(sectionFragmentName("gap-analysis")).toString()).toContain("burst 19<");
    expect(documentUpdates(writer.frames.slice(writerFramesBefore))).toEqual([]);
    writer.close();
    observer.close();
  });
});
