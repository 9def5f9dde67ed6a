import { useEffect, useRef } from "react";

/**
 * A link to `/plans/:id#section-<key>` (from a notification, say) lands on the section even
 * though the sections above it grow once the document has synced: the browser's own jump happens
 * before that, so it is done again when the content is in, once per page load.
 */
export function useLandOnSection(synced: boolean): void {
  const landed = useRef(false);
  useEffect(() => {
    if (!synced || landed.current) return;
    landed.current = true;
    // With `?q=` (a search result) find-in-plan takes the reader to the words instead.
    if (!location.hash.startsWith("#section-") || new URLSearchParams(location.search).has("q")) return;
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return;
    // Two frames: the editors render the synced content in the frame after this one.
    requestAnimationFrame(() => requestAnimationFrame(() => target.scrollIntoView({ block: "start" })));
  }, [synced]);
}
