import * as Y from "yjs";

/** The root type (a named share of the document) that a nested type lives in. */
export function rootOf(type: Y.AbstractType<any>): Y.AbstractType<any> {
  let current = type;
  while (current._item?.parent instanceof Y.AbstractType) current = current._item.parent;
  return current;
}
