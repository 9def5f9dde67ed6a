import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { Placeholder } from "@tiptap/extensions";
import { EditorContent, useEditor } from "@tiptap/react";
import { sectionFragmentName } from "~/lib/doc-names";
import { richTextExtensions } from "~/lib/editor-extensions";
import type { PlanConnection, PresenceUser } from "./usePlanConnection";

export function SectionEditor({
  sectionKey,
  title,
  connection,
  me,
  editable,
}: {
  sectionKey: string;
  title: string;
  connection: PlanConnection;
  me: PresenceUser;
  editable: boolean;
}) {
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable,
      extensions: [
        ...richTextExtensions,
        Placeholder.configure({
          placeholder: editable ? "Write this section's narrative…" : "Nothing written yet.",
        }),
        Collaboration.configure({ document: connection.doc, field: sectionFragmentName(sectionKey) }),
        // The caret extension publishes this as the awareness `user`, so it must be the whole
        // presence record, not just the caret's name and colour.
        CollaborationCaret.configure({ provider: connection.provider, user: me }),
      ],
      editorProps: {
        attributes: {
          "aria-label": `${title}: narrative`,
          "aria-multiline": "true",
          role: "textbox",
          class: "rich-text",
          "data-section": sectionKey,
        },
      },
    },
    [connection, sectionKey, editable],
  );
  return <EditorContent editor={editor} className="section-editor" />;
}
