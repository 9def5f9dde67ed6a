import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
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
        Collaboration.configure({ document: connection.doc, field: sectionFragmentName(sectionKey) }),
        CollaborationCaret.configure({
          provider: connection.provider,
          user: { name: me.name, color: me.color },
        }),
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
