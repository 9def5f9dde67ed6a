import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { cookieWebSocketPolyfill } from "./cookie-websocket";

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/** The stock y-websocket provider, connected to a plan as the user of `cookie`. */
export function connectClient(baseUrl: string, planId: string, cookie: string | undefined): TestClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, "ws")}/collab`, planId, doc, {
    WebSocketPolyfill: cookieWebSocketPolyfill(cookie),
    disableBc: true,
    maxBackoffTime: 200,
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export function waitForSync(client: TestClient, timeoutMs = 10_000): Promise<void> {
  if (client.provider.synced) return Promise.resolve();
  return waitFor(() => client.provider.synced, timeoutMs, "provider sync");
}

/** Resolves when `condition` holds (checked every 10 ms), or fails after `timeoutMs`. */
export async function waitFor(
  condition: () => unknown | Promise<unknown>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
