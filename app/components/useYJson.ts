import { useEffect, useState } from "react";
import type { SharedType } from "~/shared/yjs-types";

/** A shared type's plain JSON, re-read whenever it or anything inside it changes. */
export function useYJson<T>(type: SharedType): T {
  const [json, setJson] = useState<T>(() => type.toJSON() as T);
  useEffect(() => {
    const update = () => setJson(type.toJSON() as T);
    update();
    type.observeDeep(update);
    return () => type.unobserveDeep(update);
  }, [type]);
  return json;
}
