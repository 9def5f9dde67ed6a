import { WebSocket } from "ws";

/**
 * A `ws` WebSocket class that sends the session cookie, for the stock providers running in Node
 * (browsers send the cookie themselves; the providers only take a class to construct).
 */
export function cookieWebSocket(cookie: string | undefined) {
  return class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, cookie ? { headers: { cookie } } : {});
    }
  };
}

/** The same class typed as the browser's WebSocket, which is what y-websocket's option expects. */
export function cookieWebSocketPolyfill(cookie: string | undefined): typeof globalThis.WebSocket {
  return cookieWebSocket(cookie) as unknown as typeof globalThis.WebSocket;
}
