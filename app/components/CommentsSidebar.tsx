import { useEffect, useRef, useState, type FormEvent } from "react";
import type { CommentAnchor } from "~/shared/comment-input";
import { COMMENT_MAX_LENGTH } from "~/shared/comment-limits";
import { formatDateTime } from "~/shared/dates";
import { canEdit, type Role } from "~/shared/permissions";
import type { CommentView } from "~/shared/plan-events";
import { MentionTextarea } from "./MentionTextarea";
import { apiRequest } from "./api-client";

/** A comment being written: on a section, and on some of its words if any were selected. */
export interface CommentDraft {
  sectionKey: string;
  anchor: CommentAnchor | null;
  quote: string | null;
}

interface Thread {
  root: CommentView;
  replies: CommentView[];
}

type Filter = "open" | "resolved";

export function CommentsSidebar({
  planId,
  sections,
  comments,
  me,
  role,
  isTextRemoved,
  activeId,
  onActivate,
  draft,
  onDraftDone,
}: {
  planId: string;
  sections: { key: string; title: string }[];
  comments: CommentView[];
  me: { id: string };
  role: Role;
  isTextRemoved: (comment: CommentView) => boolean;
  activeId: string | null;
  onActivate: (id: string | null) => void;
  draft: CommentDraft | null;
  onDraftDone: () => void;
}) {
  const [filter, setFilter] = useState<Filter>("open");
  /** The thread just posted: focus goes to it once it arrives, not to the page's body. */
  const [posted, setPosted] = useState<string | null>(null);
  const threads = threadsInSectionOrder(comments, sections);
  const open = threads.filter((thread) => thread.root.resolvedAt === null);
  const resolved = threads.filter((thread) => thread.root.resolvedAt !== null);
  const shown = filter === "open" ? open : resolved;
  const titleOf = (key: string) => sections.find((section) => section.key === key)?.title ?? key;

  useEffect(() => {
    const active = threads.find((thread) => thread.root.id === activeId);
    if (active) setFilter(active.root.resolvedAt === null ? "open" : "resolved");
    // Only a newly opened thread switches the tab; later pushes must not fight the reader.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [activeId]);

  return (
    <section className="comments" aria-label="Comments">
      <h2 className="sidebar-heading">Comments</h2>
      {draft ? (
        <Composer
          planId={planId}
          draft={draft}
          sectionTitle={titleOf(draft.sectionKey)}
          onDone={(createdId) => {
            if (createdId) {
              setFilter("open");
              setPosted(createdId);
            }
            onDraftDone();
          }}
        />
      ) : null}
      <div className="comments__filter" role="group" aria-label="Show threads">
        <button type="button" aria-pressed={filter === "open"} onClick={() => setFilter("open")}>
          Open ({open.length})
        </button>
        <button type="button" aria-pressed={filter === "resolved"} onClick={() => setFilter("resolved")}>
          Resolved ({resolved.length})
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="muted comments__empty">{filter === "open" ? "No open comments." : "No resolved comments."}</p>
      ) : (
        <ol className="comments__list">
          {shown.map((thread) => (
            <li key={thread.root.id}>
              <ThreadCard
                planId={planId}
                thread={thread}
                sectionTitle={titleOf(thread.root.sectionKey)}
                me={me}
                role={role}
                removed={isTextRemoved(thread.root)}
                active={thread.root.id === activeId}
                onActivate={() => onActivate(thread.root.id)}
                takeFocus={thread.root.id === posted}
                onFocusTaken={() => setPosted(null)}
              />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function threadsInSectionOrder(comments: CommentView[], sections: { key: string }[]): Thread[] {
  const order = new Map(sections.map((section, index) => [section.key, index]));
  const threads = new Map<string, Thread>();
  for (const comment of comments) {
    if (comment.parentId === null) threads.set(comment.id, { root: comment, replies: [] });
  }
  for (const comment of comments) {
    if (comment.parentId !== null) threads.get(comment.parentId)?.replies.push(comment);
  }
  return [...threads.values()].sort(
    (a, b) => (order.get(a.root.sectionKey) ?? 0) - (order.get(b.root.sectionKey) ?? 0),
  );
}

async function send(url: string, method: string, body?: unknown): Promise<string | null> {
  const result = await apiRequest(method, url, body);
  return result.ok ? null : result.error;
}

function Composer({
  planId,
  draft,
  sectionTitle,
  onDone,
}: {
  planId: string;
  draft: CommentDraft;
  sectionTitle: string;
  /** Called with the new thread's id once posted, and with nothing when cancelled. */
  onDone: (createdId?: string) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLFormElement>(null);
  // The whole form in view, its buttons too (in a bottom sheet the text box alone would be).
  useEffect(() => {
    input.current?.focus({ preventScroll: true });
    form.current?.scrollIntoView({ block: "nearest" });
  }, [draft]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = new FormData(event.currentTarget).get("body");
    setBusy(true);
    const payload = {
      sectionKey: draft.sectionKey,
      body,
      ...(draft.anchor ? { anchor: draft.anchor, quote: draft.quote } : {}),
    };
    const post = () => apiRequest<{ id: string }>("POST", `/api/plans/${planId}/comments`, payload);
    let result = await post();
    if (!result.ok && result.error.includes("has not reached the server yet")) {
      // The words were typed a moment ago and are still on their way over the WebSocket.
      await new Promise((resolve) => setTimeout(resolve, 400));
      result = await post();
    }
    setBusy(false);
    if (!result.ok) setError(result.error);
    else onDone(result.body.id);
  }

  return (
    <form ref={form} className="composer" onSubmit={submit} data-testid="comment-composer">
      <p className="composer__title">
        New comment on <strong>{sectionTitle}</strong>
      </p>
      {draft.quote ? <blockquote className="thread__quote-text">{draft.quote}</blockquote> : null}
      <label className="visually-hidden" htmlFor="new-comment">
        Comment
      </label>
      <MentionTextarea
        planId={planId}
        id="new-comment"
        ref={input}
        name="body"
        rows={3}
        maxLength={COMMENT_MAX_LENGTH}
        required
        placeholder="Write a comment. Mention someone with @ and their full name."
        onKeyDown={(event) => {
          if (event.key === "Escape") onDone();
          if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) event.currentTarget.form?.requestSubmit();
        }}
      />
      {error ? (
        <p className="alert error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="composer__actions">
        <button type="submit" className="button primary small" disabled={busy}>
          Comment
        </button>
        <button type="button" className="button small" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ThreadCard({
  planId,
  thread,
  sectionTitle,
  me,
  role,
  removed,
  active,
  onActivate,
  takeFocus,
  onFocusTaken,
}: {
  planId: string;
  thread: Thread;
  sectionTitle: string;
  me: { id: string };
  role: Role;
  removed: boolean;
  active: boolean;
  onActivate: () => void;
  takeFocus: boolean;
  onFocusTaken: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const card = useRef<HTMLElement>(null);
  const { root } = thread;
  const base = `/api/plans/${planId}/comments`;
  const mayResolve = root.author.id === me.id || canEdit(role);
  const mayReply = role !== "viewer" && root.resolvedAt === null && !root.deleted;

  useEffect(() => {
    if (active) card.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [active]);
  useEffect(() => {
    if (!takeFocus) return;
    card.current?.focus();
    onFocusTaken();
  }, [takeFocus, onFocusTaken]);

  async function act(method: string, url: string, body?: unknown): Promise<boolean> {
    const failure = await send(url, method, body);
    setError(failure);
    return failure === null;
  }

  return (
    <article
      ref={card}
      className={`thread${active ? " thread--active" : ""}${root.resolvedAt ? " thread--resolved" : ""}`}
      data-testid="comment-thread"
      data-thread-id={root.id}
      data-section={root.sectionKey}
      aria-label={`Comment thread on ${sectionTitle}`}
      tabIndex={-1}
    >
      <button type="button" className="thread__where" onClick={onActivate} aria-pressed={active}>
        <span className="thread__section">{sectionTitle}</span>
        {root.quote ? (
          removed ? (
            <span className="thread__quote thread__quote--removed">
              <span className="tag">Text removed</span> <del>{root.quote}</del>
            </span>
          ) : (
            <span className="thread__quote">“{root.quote}”</span>
          )
        ) : (
          <span className="thread__quote thread__quote--section">On the whole section</span>
        )}
      </button>
      <ol className="thread__comments">
        {[root, ...thread.replies].map((comment) => (
          <li key={comment.id}>
            <CommentItem
              comment={comment}
              mine={comment.author.id === me.id}
              onError={setError}
              url={`${base}/${comment.id}`}
            />
          </li>
        ))}
      </ol>
      {root.resolvedAt && root.resolvedBy ? (
        <p className="thread__resolved">
          Resolved by {root.resolvedBy.name}, {formatDateTime(root.resolvedAt)}
        </p>
      ) : null}
      {mayReply ? (
        <ReplyForm
          planId={planId}
          onReply={(body) => act("POST", base, { sectionKey: root.sectionKey, parentId: root.id, body })}
        />
      ) : null}
      {mayResolve && !root.deleted ? (
        <div className="thread__actions">
          {root.resolvedAt ? (
            <button type="button" className="button small" onClick={() => act("POST", `${base}/${root.id}/reopen`)}>
              Reopen
            </button>
          ) : (
            <button type="button" className="button small" onClick={() => act("POST", `${base}/${root.id}/resolve`)}>
              Resolve
            </button>
          )}
        </div>
      ) : null}
      {error ? (
        <p className="alert error" role="alert">
          {error}
        </p>
      ) : null}
    </article>
  );
}

function CommentItem({
  comment,
  mine,
  url,
  onError,
}: {
  comment: CommentView;
  mine: boolean;
  url: string;
  onError: (error: string | null) => void;
}) {
  const [editing, setEditing] = useState(false);
  if (comment.deleted) return <p className="comment comment--deleted muted">This comment was deleted.</p>;
  return (
    <div className="comment" data-testid="comment" data-comment-id={comment.id}>
      <p className="comment__meta">
        <strong>{comment.author.name}</strong> <span className="muted">{comment.author.organisation}</span>
        <br />
        <time className="muted" dateTime={comment.createdAt}>
          {formatDateTime(comment.createdAt)}
        </time>
        {comment.editedAt ? <span className="muted"> (edited)</span> : null}
      </p>
      {editing ? (
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            const body = new FormData(event.currentTarget).get("body");
            const failure = await send(url, "PATCH", { body });
            onError(failure);
            if (!failure) setEditing(false);
          }}
        >
          <label className="visually-hidden" htmlFor={`edit-${comment.id}`}>
            Edit comment
          </label>
          <textarea
            id={`edit-${comment.id}`}
            name="body"
            rows={3}
            maxLength={COMMENT_MAX_LENGTH}
            defaultValue={comment.body}
            required
          />
          <div className="composer__actions">
            <button type="submit" className="button primary small">
              Save
            </button>
            <button type="button" className="button small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <p className="comment__body">
          <CommentBody comment={comment} />
        </p>
      )}
      {mine && !editing ? (
        <p className="comment__own-actions">
          <button type="button" className="button link" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button
            type="button"
            className="button link danger"
            onClick={async () => {
              if (window.confirm("Delete this comment?")) onError(await send(url, "DELETE"));
            }}
          >
            Delete
          </button>
        </p>
      ) : null}
    </div>
  );
}

/** The body as text (React escapes it), with the recorded @mentions set in bold. */
function CommentBody({ comment }: { comment: CommentView }) {
  const names = comment.mentions.map((mention) => `@${mention.name}`);
  if (names.length === 0) return <>{comment.body}</>;
  const pattern = new RegExp(`(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`);
  return (
    <>
      {comment.body.split(pattern).map((part, index) =>
        names.includes(part) ? (
          <strong key={index} className="mention">
            {part}
          </strong>
        ) : (
          part
        ),
      )}
    </>
  );
}

function ReplyForm({ planId, onReply }: { planId: string; onReply: (body: string) => Promise<boolean> }) {
  const [value, setValue] = useState("");
  return (
    <form
      className="reply"
      onSubmit={async (event) => {
        event.preventDefault();
        if (await onReply(value)) setValue("");
      }}
    >
      <MentionTextarea
        planId={planId}
        aria-label="Reply"
        name="body"
        rows={value ? 2 : 1}
        maxLength={COMMENT_MAX_LENGTH}
        placeholder="Reply…"
        value={value}
        onChange={(event) => setValue(event.target.value)}
        required
      />
      {value.trim() ? (
        <button type="submit" className="button primary small">
          Reply
        </button>
      ) : null}
    </form>
  );
}
