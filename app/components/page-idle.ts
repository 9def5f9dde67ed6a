/**
 * Runs `run` once the page has loaded and the browser has an idle moment: after the first
 * paint, hydration and the router's start, which would otherwise wait for it. However busy the
 * page, it runs at the latest `timeoutMs` after the load event. Returns a function that cancels it.
 */
export function whenPageIdle(run: () => void, timeoutMs: number): () => void {
  let idle: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    if (typeof requestIdleCallback === "function") idle = requestIdleCallback(run, { timeout: timeoutMs });
    else timer = setTimeout(run, 0);
  };
  if (document.readyState === "complete") schedule();
  else window.addEventListener("load", schedule, { once: true });
  return () => {
    window.removeEventListener("load", schedule);
    if (idle !== undefined) cancelIdleCallback(idle);
    clearTimeout(timer);
  };
}
