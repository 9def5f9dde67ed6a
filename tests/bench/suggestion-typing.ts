import { performance } from "node:perf_hooks";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { newSuggestionId } from "../../app/shared/suggestion-marks";
import { cookieWebSocketPolyfill } from "../support/cookie-websocket";
import { requestJson, signIn } from "../support/http";
import type { BenchServer } from "./servers";

const TYPED = "customer-insight";
const DECIDED = "governance";

export interface SuggestionTyping {
  /** An editor's plain keystroke, from typing to the observer's copy having it, in ms. */
  plain: number[];
  /** A reviewer's keystroke inside their suggestion (insertion mark), the same way, in ms. */
  suggested: number[];
  /** `POST .../suggestions/accept-all` for `acceptedCount` suggestions in one section, in ms. */
  acceptAll: number;
  acceptedCount: number;
}

/**
 * Over the real server and real WebSockets on the demo plan: an editor and a reviewer take turns
 * to type one character into the same paragraph, the reviewer's carrying the insertion mark of
 * their suggestion as the browser's editor sends it, and a third client (the owner's) times each
 * character's arrival. Taking turns puts both under the same load. Then the reviewer makes 100
 * one-word suggestions in another section and an editor accepts them all through the route.
 */
export async function measureSuggestionTyping(server: BenchServer, rounds: number): Promise<SuggestionTyping> {
  const [editorCookie, reviewerCookie] = await Promise.all([
    signIn(server.httpUrl!, "editor@swindon.example"),
    signIn(server.httpUrl!, "reviewer@dwp.example"),
  ]);
  const members = await requestJson(server.httpUrl!, "GET", `/api/plans/${server.room}/members`, server.cookie);
  const reviewerId = (members.body as { userId: string; email: string }[]).find(
    (member) => member.email === "reviewer@dwp.example",
  )!.userId;
  const editor = client(server, editorCookie);
  const reviewer = client(server, reviewerCookie);
  const observer = client(server, server.cookie!);
  const all = [editor, reviewer, observer];
  try {
    await until(() => all.every((c) => c.provider.synced));
    const observed = observer.doc.getXmlFragment(sectionFragmentName(TYPED));
    const editorText = firstText(editor.doc, TYPED);
    const reviewerText = firstText(reviewer.doc, TYPED);
    const id = newSuggestionId(reviewerId);
    // The reviewer extends one suggestion at its end, as someone typing a phrase does.
    let at = 0;
    const plain: number[] = [];
    const suggested: number[] = [];
    for (let round = 0; round < rounds; round++) {
      plain.push(await arrival(observed, () => editorText.insert(editorText.length, "x")));
      await until(() => reviewerText.length === editorText.length);
      suggested.push(await arrival(observed, () => reviewerText.insert(at++, "y", { insertion: { id } })));
      await until(() => reviewerText.length === editorText.length);
    }
    if (reviewer.closed) throw new Error("the server refused the reviewer's suggested keystrokes");

    const decidedText = firstText(reviewer.doc, DECIDED);
    const ids = Array.from({ length: 100 }, () => newSuggestionId(reviewerId));
    reviewer.doc.transact(() =>
      ids.forEach((one, i) => decidedText.insert(i * 5, "more ", { insertion: { id: one } })),
    );
    const list = `/api/plans/${server.room}/suggestions`;
    const openIn = async () =>
      ((await requestJson(server.httpUrl!, "GET", list, editorCookie)).body as { id: string; status: string }[]).filter(
        (s) => ids.includes(s.id) && s.status === "open",
      ).length;
    await untilAsync(async () => (await openIn()) === ids.length);
    const start = performance.now();
    const decided = await requestJson(server.httpUrl!, "POST", `${list}/accept-all`, editorCookie, {
      sectionKey: DECIDED,
    });
    const acceptAll = performance.now() - start;
    if (decided.status !== 200) throw new Error(`accept-all answered ${decided.status}`);
    return { plain, suggested, acceptAll, acceptedCount: (decided.body.accepted as string[]).length };
  } finally {
    for (const one of all) one.destroy();
  }
}

interface BenchClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  closed: boolean;
  destroy(): void;
}

function client(server: BenchServer, cookie: string): BenchClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(server.wsUrl, server.room, doc, {
    WebSocketPolyfill: cookieWebSocketPolyfill(cookie),
    disableBc: true,
  });
  const made: BenchClient = {
    doc,
    provider,
    closed: false,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
  provider.on("connection-close", () => (made.closed = true));
  return made;
}

/** Makes the change and answers how long until the observer's section had it. */
async function arrival(observed: Y.XmlFragment, change: () => void): Promise<number> {
  let arrivedAt = 0;
  const onArrival = () => {
    arrivedAt = performance.now();
    observed.unobserveDeep(onArrival);
  };
  observed.observeDeep(onArrival);
  const start = performance.now();
  change();
  await until(() => arrivedAt !== 0);
  return arrivedAt - start;
}

function firstText(doc: Y.Doc, key: string): Y.XmlText {
  return (doc.getXmlFragment(sectionFragmentName(key)).get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

/** Polls `condition` every millisecond; a refused update never arrives, so it gives up after 10 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out: an update never arrived");
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function untilAsync(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out: the suggestions were not listed");
    await new Promise((r) => setTimeout(r, 20));
  }
}
