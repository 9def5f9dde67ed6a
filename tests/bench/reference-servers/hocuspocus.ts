/**
 * The second reference: Hocuspocus with its SQLite extension as shipped (no auth; the document
 * is stored whole, debounced), on PORT with the database file DATABASE.
 */
import { Server } from "@hocuspocus/server";
import { SQLite } from "@hocuspocus/extension-sqlite";

const [port = "0", database = ":memory:"] = process.argv.slice(2);
const server = new Server({
  port: Number(port),
  address: "127.0.0.1",
  quiet: true,
  extensions: [new SQLite({ database })],
});
await server.listen();
console.log(`Hocuspocus server listening on http://localhost:${server.address.port}`);
