/**
 * The reference: @y/websocket-server's utils as shipped (no auth, in memory), on PORT.
 * Prints the same "listening on" line as Coplan so the harness starts both the same way.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setupWSConnection } from "@y/websocket-server/utils";
import { WebSocketServer } from "ws";

const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"ok":true}');
});
const wss = new WebSocketServer({ server });
wss.on("connection", (conn, req) => setupWSConnection(conn, req));
server.listen(Number(process.argv[2] ?? 0), () => {
  console.log(`Stock y-websocket server listening on http://localhost:${(server.address() as AddressInfo).port}`);
});
