import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { connect, type Socket } from "node:net";

export interface HeldPageFront {
  /** The front's origin: pages, assets, the API and the WebSocket all reach the real server through it. */
  url: string;
  /**
   * Resolves once a page at `path` has been sent up to (not including) the first `marker` in its
   * HTML; the rest is held until `release` is called.
   */
  holdPage(path: string, marker: string): Promise<{ release: () => void }>;
  close(): Promise<void>;
}

/**
 * A front for the real server that sends one page's HTML in two parts, the second held back until
 * the test lets it go: what a slow connection does to a long page, deterministically. The browser
 * parses and paints the first part as it would on a phone whose stylesheet arrived before the
 * rest of the page. Everything else (assets, the API, the WebSocket's upgrade) passes through.
 */
export async function startHeldPageFront(upstreamPort: number): Promise<HeldPageFront> {
  const holds = new Map<
    string,
    { marker: string; sent: (release: () => void) => void; failed: (error: Error) => void }
  >();
  const server: Server = createServer((incoming, outgoing) => {
    const hold = incoming.method === "GET" ? holds.get(incoming.url ?? "") : undefined;
    if (hold) holds.delete(incoming.url!);
    const headers: IncomingHttpHeaders = { ...incoming.headers };
    // The held page is cut in its text, so it is asked for uncompressed.
    if (hold) headers["accept-encoding"] = "identity";
    const upstream = request(
      { host: "localhost", port: upstreamPort, path: incoming.url, method: incoming.method, headers },
      (response) => {
        if (!hold) {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
          return;
        }
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const html = Buffer.concat(chunks).toString("utf8");
          const cut = html.indexOf(hold.marker);
          if (cut < 0) {
            outgoing.writeHead(response.statusCode ?? 502, response.headers).end(html);
            hold.failed(new Error(`"${hold.marker}" is not in ${incoming.url}`));
            return;
          }
          const { "content-length": _length, ...rest } = response.headers;
          outgoing.writeHead(response.statusCode ?? 502, rest);
          outgoing.write(html.slice(0, cut));
          hold.sent(() => outgoing.end(html.slice(cut)));
        });
      },
    );
    incoming.pipe(upstream);
  });
  // Upgraded sockets are no longer the HTTP server's to close.
  const tunnels = new Set<Socket>();
  server.on("upgrade", (incoming, socket: Socket, head) => {
    const upstream = connect(upstreamPort, "localhost", () => {
      const lines = [`${incoming.method} ${incoming.url} HTTP/1.1`];
      for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
        lines.push(`${incoming.rawHeaders[i]}: ${incoming.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    for (const end of [socket, upstream]) {
      tunnels.add(end);
      end.on("close", () => tunnels.delete(end));
    }
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the front has no port");
  return {
    url: `http://localhost:${address.port}`,
    holdPage: (path, marker) =>
      new Promise((resolve, reject) =>
        holds.set(path, { marker, sent: (release) => resolve({ release }), failed: reject }),
      ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        for (const socket of tunnels) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
