import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { createUpgradeAuthorizer } from "./collab/authorize.server";
import { attachCollabServer } from "./collab/websocket.server";
import { rejectDotSegments } from "./http/dot-segments.server";
import { rejectCrossSiteWrites } from "./http/csrf.server";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "./ops/demo-seed.server";
import { applyNodeEnv, loadEnv } from "./env.server";
import { log } from "./log.server";
import { startOrExplain, stopOnUncaughtFaults } from "./process-faults.server";
import { requestErrors, requestLog } from "./http/request-log.server";
import { clientAddress } from "./http/client-address.server";
import { compressResponses } from "./http/compression.server";
import { guardConnections, limitRequestsPerAddress } from "./http/connection-caps.server";
import { readBodiesWithinLimit, remixHandler } from "./http/request-body.server";
import { securityHeaders } from "./http/security-headers.server";
import { COLLAB_LIMITS, connectionLimits, HTTP_LIMITS } from "./limits.server";
import { createServices, servedOverHttps } from "./services.server";
import { FORWARDED_EDITS_PATH, receiveForwardedEdits, requireClusterSecret } from "./cluster/edit-forwarding.server";

const ROOT = resolve(import.meta.dirname, "..");

stopOnUncaughtFaults(log);
const env = loadEnv();
const services = await startOrExplain(log, () => createServices(env));
if (env.SEED_DEMO && (await seedDemo(services))) {
  log.info(
    {
      password: DEMO_PASSWORD,
      users: DEMO_USERS.map((user) => `${user.email} (${user.role}${user.admin ? ", administrator" : ""})`),
    },
    `Seeded a demo plan. Sign in with any of its users, password "${DEMO_PASSWORD}"`,
  );
}
await services.jobs.start();

applyNodeEnv(env);
const build = (await import(pathToFileURL(resolve(ROOT, "build/index.js")).href)) as ServerBuild;

const limits = connectionLimits(env);
const app = express();
app.disable("x-powered-by");
app.set("trust proxy", env.TRUST_PROXY);
app.use(requestLog(log));
app.use(securityHeaders({ https: servedOverHttps(env) }));
if (env.TRUST_PROXY > 0)
  app.use(limitRequestsPerAddress(services.limitStore, limits.maxConnectionsPerAddress, env.TRUST_PROXY));
app.use(compressResponses());
if (services.cluster) {
  // Edits other processes made for plans this one owns; they show the processes' shared secret.
  app.post(
    FORWARDED_EDITS_PATH,
    requireClusterSecret(services.cluster.secret),
    express.raw({ type: "application/octet-stream", limit: COLLAB_LIMITS.maxPlanBytes }),
    receiveForwardedEdits({ secret: services.cluster.secret, rooms: services.rooms, ownsPlan: services.ownsPlan }),
  );
}
app.use("/build", express.static(resolve(ROOT, "public/build"), { immutable: true, maxAge: "1y" }));
app.use(express.static(resolve(ROOT, "public"), { maxAge: "1h" }));
app.use(rejectDotSegments());
app.use(rejectCrossSiteWrites(env.ALLOWED_ORIGINS));
app.use(readBodiesWithinLimit(HTTP_LIMITS.maxBodyBytes));
app.all(
  "*",
  remixHandler(
    build,
    (req, res) => ({
      ...services,
      clientAddress: clientAddress(req, env.TRUST_PROXY),
      cspNonce: String(res.locals.cspNonce),
      log: req.log,
    }),
    env.NODE_ENV,
  ),
);
app.use(requestErrors());

const server = createServer({ connectionsCheckingInterval: HTTP_LIMITS.connectionsCheckingIntervalMs }, app);
guardConnections(server, { maxPerAddress: limits.maxConnectionsPerAddress, perSocketAddress: env.TRUST_PROXY === 0 });
const collab = attachCollabServer(
  server,
  services.rooms,
  createUpgradeAuthorizer({
    auth: services.auth,
    access: services.access,
    allowedOrigins: env.ALLOWED_ORIGINS,
    limits,
    limitStore: services.limitStore,
    trustedProxies: env.TRUST_PROXY,
  }),
  COLLAB_LIMITS,
  services.cluster,
);

server.listen(env.PORT, () => {
  const { port } = server.address() as AddressInfo;
  services.links.listeningOn(port);
  log.info(`Coplan listening on http://localhost:${port}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: storing open plans and closing`);
  server.close();
  // The WebSocket server only reports closed once every socket is; the rooms close theirs
  // (1012, "server restarting") as they store their plans, so wait after, not before.
  const socketsClosed = collab.close();
  await services.close();
  await socketsClosed;
  server.closeAllConnections();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
