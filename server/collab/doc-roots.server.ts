import * as Y from "yjs";
import type { SharedType } from "../../app/shared/yjs-types";

/** The root type (a named share of the document) that a nested type lives in. */
export function rootOf(type: SharedType): SharedType {
  let current = type;
  while (current._item?.parent instanceof Y.AbstractType) current = current._item.parent;
  return current;
}
