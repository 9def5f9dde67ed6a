import { useCallback, useEffect, useState } from "react";
import { versionTitle } from "~/shared/version-labels";
import type { SectionReadingCopy } from "../../server/plans/plan-service.server";
import type { SectionComparison } from "../../server/versions/compare.server";
import type { SectionKind } from "~/shared/template-schema";
import type { VersionSummary } from "../../server/versions/version-service.server";
import { apiRequest } from "./api-client";

/** A version as `GET /api/plans/:id/versions` lists it. */
export type VersionItem = VersionSummary;

/**
 * A section of a version as `GET /api/plans/:id/versions/:versionId` shows it: the same
 * narrative (`richText`) and structured `data` the plan page's reading copy has.
 */
export interface VersionSection extends Required<SectionReadingCopy> {
  key: string;
  title: string;
  kind: SectionKind;
  text: string;
}

export type HistoryView =
  | { mode: "list" }
  | { mode: "open"; version: VersionItem; sections: VersionSection[] | null }
  | { mode: "compare"; from: number; to: number | "current"; sections: SectionComparison[] | null };

/** A restore the reader has asked for and not yet confirmed: the whole plan or some sections. */
export interface PendingRestore {
  version: VersionItem;
  sections?: string[];
  label: string;
}

/**
 * The history panel's state and its calls to the API: the versions, what the panel shows, and
 * saving, opening, comparing and restoring. Opens on `compareWithNow` compared with now if given.
 */
export function useVersionHistory(planId: string, compareWithNow?: number) {
  const [versions, setVersions] = useState<VersionItem[] | null>(null);
  const [view, setView] = useState<HistoryView>({ mode: "list" });
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<PendingRestore | null>(null);

  const refresh = useCallback(async () => {
    const answer = await apiRequest<VersionItem[]>("GET", `/api/plans/${planId}/versions`);
    if (answer.ok) setVersions(answer.body);
    else setError(answer.error);
  }, [planId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (compareWithNow !== undefined) void compare(compareWithNow, "current");
    // Only on opening: later comparisons are the reader's own choice.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function openVersion(version: VersionItem) {
    setView({ mode: "open", version, sections: null });
    const answer = await apiRequest<{ sections: VersionSection[] }>(
      "GET",
      `/api/plans/${planId}/versions/${version.id}`,
    );
    if (answer.ok) setView({ mode: "open", version, sections: answer.body.sections });
    else setError(answer.error);
  }

  async function compare(from: number, to: number | "current") {
    setView({ mode: "compare", from, to, sections: null });
    const answer = await apiRequest<{ sections: SectionComparison[] }>(
      "GET",
      `/api/plans/${planId}/compare?from=${from}&to=${to}`,
    );
    if (answer.ok) setView({ mode: "compare", from, to, sections: answer.body.sections });
    else setError(answer.error);
  }

  async function saveVersion(name: string) {
    const answer = await apiRequest<{ id: number }>("POST", `/api/plans/${planId}/versions`, { name });
    if (!answer.ok) return setError(answer.error);
    setNotice(`Saved “${name}”.`);
    await refresh();
  }

  async function restore() {
    if (!restoring) return;
    const { version, sections, label } = restoring;
    setRestoring(null);
    const answer = await apiRequest<{ versionId: number }>(
      "POST",
      `/api/plans/${planId}/versions/${version.id}/restore`,
      sections ? { sections } : {},
    );
    if (!answer.ok) return setError(answer.error);
    setNotice(`Restored ${label}. The plan as it was just before is kept as a version.`);
    await refresh();
    if (view.mode === "compare") await compare(view.from, view.to);
  }

  const titleOf = (id: number | "current") =>
    id === "current"
      ? "now"
      : versionTitle(versions?.find((version) => version.id === id) ?? { kind: "auto", name: null });

  return {
    versions,
    view,
    error,
    notice,
    restoring,
    showList: () => setView({ mode: "list" }),
    openVersion,
    compare,
    saveVersion,
    askRestore: setRestoring,
    restore,
    titleOf,
  };
}
