import { getSchema } from "@tiptap/core";
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import type * as Y from "yjs";
import type { SectionReadingCopy } from "../../server/plans/plan-service.server";
import { richTextExtensions } from "~/shared/editor-extensions";

/**
 * A section's narrative read from the plan's document as stored JSON, through the editor's
 * schema. Loaded when a reading copy first has a change to show (another person's typing), so
 * the schema's code is not in the page's first JavaScript (decision 0044).
 */
const schema = getSchema(richTextExtensions);

export function fragmentJson(fragment: Y.XmlFragment): SectionReadingCopy["richText"] {
  return yXmlFragmentToProseMirrorRootNode(fragment, schema).toJSON() as SectionReadingCopy["richText"];
}
