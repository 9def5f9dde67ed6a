import type { Logger } from "../server/log.server";
import type { Services } from "../server/services.server";

declare module "@remix-run/node" {
  // The services the Node server builds once, and the facts of each request that the Fetch
  // Request does not carry.
  interface AppLoadContext extends Services {
    /** The client's address, as the throttles count it (see TRUST_PROXY). */
    clientAddress: string;
    /** This response's Content-Security-Policy nonce, for the scripts the page inlines. */
    cspNonce: string;
    /** This request's logger (its id; the routes add the user and the plan). */
    log: Logger;
  }
  interface Future {
    v3_singleFetch: true;
  }
}
