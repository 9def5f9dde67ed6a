import type { Services } from "../server/services.server";

declare module "@remix-run/node" {
  // The services the Node server builds once, and the one fact of each request that the
  // Fetch Request does not carry.
  interface AppLoadContext extends Services {
    clientAddress: string;
  }
  interface Future {
    v3_singleFetch: true;
  }
}
