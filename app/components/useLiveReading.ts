import { useEffect, useRef, useState } from "react";
import type * as Y from "yjs";
import type { SectionReadingCopy } from "../../server/plans/plan-service.server";
import { sectionDataName, sectionFragmentName } from "~/shared/doc-names";
import { normaliseSectionData } from "~/shared/section-values";
import type { PlanConnectionSource } from "./usePlanConnection";

/**
 * A section's reading copy, redrawn from the plan's document whenever it changes while the
 * section has no editors yet (`following`): someone else's typing shows there as it would in an
 * editor. Only changes are read, once the plan's content is in, so opening the page and the
 * sync redraw nothing here; what changed between the page being served and the document syncing
 * shows when the section's editors are built. Content that came from this device's own copy
 * (offline, so the server's copy is older than what this person typed) is read once at the
 * start, or their own words would vanish; a copy read the same as the one shown changes nothing.
 * The narrative is read through the editor's schema, whose code is fetched with the first change.
 */
export function useLiveReading(
  source: PlanConnectionSource,
  following: boolean,
  sectionKey: string,
  structured: boolean,
  served: SectionReadingCopy,
): SectionReadingCopy {
  // Null until the document changes: till then the served copy (which the loader may read again) stands.
  const [copy, setCopy] = useState<SectionReadingCopy | null>(null);
  const servedNow = useRef(served);
  servedNow.current = served;
  useEffect(() => {
    if (!following) return;
    let followed: { doc: Y.Doc; stop: () => void } | null = null;
    const follow = (doc: Y.Doc, fromDevice: boolean) => {
      const fragment = doc.getXmlFragment(sectionFragmentName(sectionKey));
      const data = doc.getMap(sectionDataName(sectionKey));
      let listening = true;
      // Each read takes the fragment as it is when the code is there, so the last one shows the last change.
      const onText = () =>
        void import("./live-reading-text").then(({ fragmentJson }) => {
          if (!listening) return;
          try {
            const richText = fragmentJson(fragment);
            setCopy((current) => changed(current, "richText", richText));
          } catch {
            // A node this page's schema cannot read: its editor will show what it can.
          }
        });
      const onData = () => setCopy((current) => changed(current, "data", normaliseSectionData(data.toJSON())));
      if (fromDevice) {
        onText();
        if (structured) onData();
      }
      fragment.observeDeep(onText);
      if (structured) data.observeDeep(onData);
      return () => {
        listening = false;
        fragment.unobserveDeep(onText);
        if (structured) data.unobserveDeep(onData);
      };
    };
    const changed = <K extends "richText" | "data">(
      current: SectionReadingCopy | null,
      key: K,
      value: SectionReadingCopy[K],
    ): SectionReadingCopy | null => {
      const shown = current ?? servedNow.current;
      return JSON.stringify(shown[key]) === JSON.stringify(value) ? current : { ...shown, [key]: value };
    };
    const onConnection = () => {
      const { connection, contentIn, contentFromDevice } = source.current();
      const doc = contentIn ? connection?.doc : undefined;
      if (followed?.doc === doc) return;
      followed?.stop();
      followed = doc ? { doc, stop: follow(doc, contentFromDevice) } : null;
    };
    onConnection();
    const unsubscribe = source.subscribe(onConnection);
    return () => {
      unsubscribe();
      followed?.stop();
    };
  }, [source, following, sectionKey, structured]);
  return copy ?? served;
}
