import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";

/** Changes arriving this close together are read with one fetch of the portfolio. */
const SETTLE_MS = 250;

/**
 * Follows the portfolio's server-sent events: when a plan on it changes (a sign-off, a
 * comment), the page's data is read again and `onPlan` is told which plan changed.
 */
export function usePortfolioFeed(onPlan: (planId: string) => void): void {
  const { revalidate } = useRevalidator();
  const latest = useRef({ revalidate, onPlan });
  latest.current = { revalidate, onPlan };

  useEffect(() => {
    const source = new EventSource("/api/portfolio/events");
    let timer: ReturnType<typeof setTimeout> | null = null;
    source.addEventListener("plan", (event) => {
      const { planId } = JSON.parse((event as MessageEvent<string>).data) as { planId: string };
      latest.current.onPlan(planId);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => latest.current.revalidate(), SETTLE_MS);
    });
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
    };
  }, []);
}
