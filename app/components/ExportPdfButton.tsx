import { useEffect, useState } from "react";
import { apiRequest, apiResponse, serverAnswered, UNREACHABLE } from "./api-client";

type ExportState =
  { step: "idle" } | { step: "working"; received: number; ahead: number } | { step: "failed"; error: string };

/** How often the export queue is asked for our place in line while we wait. */
const QUEUE_POLL_MS = 1000;

interface QueueStatus {
  mine: { planId: string; state: "waiting" | "running"; ahead: number }[];
}

const FORMATS = {
  pdf: { label: "PDF", type: "application/pdf" },
  docx: { label: "Word document", type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
} as const;
type Format = keyof typeof FORMATS;

/**
 * Downloads the plan as a PDF or a Word document, showing progress: the export waits its turn on the server
 * (the number ahead is shown), the server builds it (a second or so for a long plan), then the
 * bytes arrive. A refusal (too many exports at once) is shown in the server's words.
 */
export function ExportPdfButton({ planId, title }: { planId: string; title: string }) {
  const [state, setState] = useState<ExportState>({ step: "idle" });
  const [format, setFormat] = useState<Format>("pdf");
  const [withComments, setWithComments] = useState(false);
  const [withSuggestions, setWithSuggestions] = useState(false);
  const waiting = state.step === "working" && state.received === 0;

  useEffect(() => {
    if (!waiting) return;
    let stopped = false;
    const poll = async () => {
      const status = await apiRequest<QueueStatus>("GET", "/api/exports");
      const mine = status.ok ? status.body.mine.find((entry) => entry.planId === planId) : undefined;
      if (stopped || !mine) return;
      setState((current) =>
        current.step === "working" && current.received === 0
          ? { ...current, ahead: mine.state === "waiting" ? mine.ahead : 0 }
          : current,
      );
    };
    const timer = setInterval(poll, QUEUE_POLL_MS);
    void poll();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [waiting, planId]);

  async function download(chosen: Format) {
    setFormat(chosen);
    setState({ step: "working", received: 0, ahead: 0 });
    const query = [withComments ? "comments=1" : null, withSuggestions ? "suggestions=1" : null].filter(Boolean);
    const result = await apiResponse(
      "GET",
      `/api/plans/${planId}/export.${chosen}${query.length > 0 ? `?${query.join("&")}` : ""}`,
    );
    if (!result.ok || !result.response.body) {
      setState({ step: "failed", error: result.ok ? serverAnswered(result.status) : result.error });
      return;
    }
    const body = result.response.body;
    try {
      const reader = body.getReader();
      const chunks: Uint8Array[] = [];
      let received = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        setState({ step: "working", received, ahead: 0 });
      }
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: FORMATS[chosen].type }));
      const link = document.createElement("a");
      link.href = url;
      link.download = `${title.replace(/[^\w-]+/g, "-")}.${chosen}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ step: "idle" });
    } catch {
      setState({ step: "failed", error: UNREACHABLE });
    }
  }

  return (
    <span className="export-pdf">
      <button
        type="button"
        className="button small"
        onClick={() => download("pdf")}
        disabled={state.step === "working"}
      >
        Export PDF
      </button>
      <button
        type="button"
        className="button small"
        onClick={() => download("docx")}
        disabled={state.step === "working"}
      >
        Export Word
      </button>
      <label className="export-pdf__option needs-scripts">
        <input type="checkbox" checked={withComments} onChange={(event) => setWithComments(event.target.checked)} />{" "}
        with comments
      </label>
      <label className="export-pdf__option needs-scripts">
        <input
          type="checkbox"
          checked={withSuggestions}
          onChange={(event) => setWithSuggestions(event.target.checked)}
        />{" "}
        with open suggestions
      </label>
      <span role="status" className="export-pdf__status" data-testid="export-status">
        {state.step === "working"
          ? state.received > 0
            ? `Downloading… ${Math.round(state.received / 1024)} KB`
            : state.ahead > 0
              ? `Waiting for ${state.ahead} ${state.ahead === 1 ? "export" : "exports"} ahead…`
              : `Preparing the ${FORMATS[format].label}…`
          : state.step === "failed"
            ? state.error
            : ""}
      </span>
    </span>
  );
}
