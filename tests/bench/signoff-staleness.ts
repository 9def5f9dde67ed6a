import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { subscribeToPlanEvents, type PlanSignoffView } from "../../app/shared/plan-events";
import { cookieWebSocketPolyfill } from "../support/cookie-websocket";
import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { signIn } from "../support/http";
import type { BenchServer } from "./servers";

const SECTION = "customer-insight";

function provider(server: BenchServer, cookie: string, doc: Y.Doc): WebsocketProvider {
  return new WebsocketProvider(server.wsUrl, server.room, doc, {
    WebSocketPolyfill: cookieWebSocketPolyfill(cookie),
    disableBc: true,
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 1));
}

/**
 * For each round: the local signatory signs the section off through the API, an editor types
 * one character into it, and an observer with the plan open times two things from that edit:
 * the edit itself arriving (the reference) and the pushed sign-off state turning stale.
 */
export async function measureStaleness(server: BenchServer, rounds: number) {
  const signatory = await signIn(server.httpUrl!, "signatory@swindon.example");
  const editorCookie = await signIn(server.httpUrl!, "editor@swindon.example");
  const editorDoc = new Y.Doc();
  const observerDoc = new Y.Doc();
  const editor = provider(server, editorCookie, editorDoc);
  const observer = provider(server, server.cookie!, observerDoc);
  let latest: PlanSignoffView | null = null;
  let staleAt = 0;
  subscribeToPlanEvents(observer, (event) => {
    if (event.type !== "signoffs") return;
    latest = event.signoffs;
    if (event.signoffs.sections[SECTION]?.state === "stale" && staleAt === 0) staleAt = performance.now();
  });
  await until(() => editor.synced && observer.synced && latest !== null);
  const fragment = editorDoc.getXmlFragment(sectionFragmentName(SECTION));
  const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
  const observed = observerDoc.getXmlFragment(sectionFragmentName(SECTION));
  const stale: number[] = [];
  const edit: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const read = await fetch(`${server.httpUrl}/api/plans/${server.room}/sections/${SECTION}/signoffs`, {
        headers: { cookie: signatory },
      });
      const { contentHash } = (await read.json()) as { contentHash: string };
      const response = await fetch(`${server.httpUrl}/api/plans/${server.room}/sections/${SECTION}/signoffs`, {
        method: "POST",
        headers: { cookie: signatory, "content-type": "application/json" },
        body: JSON.stringify({ contentHash, password: DEMO_PASSWORD }),
      });
      if (response.status !== 201) throw new Error(`sign-off failed: ${response.status}`);
      await until(() => latest?.sections[SECTION]?.state === "signed");
      staleAt = 0;
      let arrivedAt = 0;
      const onArrival = () => {
        arrivedAt = performance.now();
        observed.unobserveDeep(onArrival);
      };
      observed.observeDeep(onArrival);
      const start = performance.now();
      text.insert(text.length, "x");
      await until(() => staleAt !== 0 && arrivedAt !== 0);
      stale.push(staleAt - start);
      edit.push(arrivedAt - start);
    }
  } finally {
    editor.destroy();
    observer.destroy();
  }
  return { stale, edit };
}
