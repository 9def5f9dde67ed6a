import type { Services } from "../server/services.server";

declare module "@remix-run/node" {
  // The services the Node server builds once and hands every loader and action.
  interface AppLoadContext extends Services {}
  interface Future {
    v3_singleFetch: true;
  }
}
