import { createContext, useContext } from "react";

/**
 * The Content-Security-Policy nonce of the page being rendered on the server, so the scripts
 * Remix inlines carry it. Browsers hide a nonce from the page once it is parsed, so on the
 * client it is empty, and nothing added after hydration needs one.
 */
export const NonceContext = createContext("");

export function useNonce(): string {
  return useContext(NonceContext);
}
