import { WebSocket } from "ws";

/** Opens the plan's WebSocket with a session cookie and resolves once it is open. */
export async function openPlanSocket(baseUrl: string, planId: string, cookie: string): Promise<WebSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/collab/${planId}`, { headers: { cookie } });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return ws;
}

/** The code the socket is closed with, or -1 if it is still open after `timeoutMs`. */
export function closeCode(ws: WebSocket, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(-1), timeoutMs);
    ws.once("close", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
