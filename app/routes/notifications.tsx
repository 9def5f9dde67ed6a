import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { AppHeader } from "~/components/AppHeader";
import { NOTIFICATIONS_CHANGED } from "~/components/NotificationBell";
import { requireUser, safeRedirectPath } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Notifications · Coplan" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  return { user, notifications: await context.notifications.list(user.id) };
}

/** Opening one marks it read and goes to it; "Mark all read" does what it says. */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const form = await request.formData();
  if (form.get("intent") === "read-all") {
    await context.notifications.markAllRead(user.id);
    return null;
  }
  await context.notifications.markRead(user.id, Number(form.get("id")));
  if (form.get("intent") === "open") throw redirect(safeRedirectPath(form.get("url")));
  return null;
}

export default function Inbox() {
  const { user, notifications } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  useEffect(() => {
    const refresh = () => revalidator.revalidate();
    window.addEventListener(NOTIFICATIONS_CHANGED, refresh);
    return () => window.removeEventListener(NOTIFICATIONS_CHANGED, refresh);
  }, [revalidator]);
  const unread = notifications.filter((n) => !n.readAt).length;
  return (
    <>
      <AppHeader user={user} />
      <main id="main" tabIndex={-1} className="page narrow">
        <div className="inbox__heading">
          <h1>Notifications</h1>
          {unread > 0 ? (
            <Form method="post">
              <button type="submit" name="intent" value="read-all" className="button small" disabled={busy}>
                Mark all read
              </button>
            </Form>
          ) : null}
        </div>
        {notifications.length === 0 ? <p className="muted">Nothing yet.</p> : null}
        <ol className="inbox">
          {notifications.map((n) => (
            <li key={n.id} className={n.readAt ? "inbox__item" : "inbox__item is-unread"}>
              <Form method="post" className="inbox__open">
                <input type="hidden" name="id" value={n.id} />
                <input type="hidden" name="url" value={n.url} />
                <button type="submit" name="intent" value="open" className="button link">
                  {n.readAt ? null : <span className="visually-hidden">Unread: </span>}
                  {n.text}
                </button>
                <time className="muted" dateTime={n.createdAt}>
                  {new Date(n.createdAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}
                </time>
              </Form>
              {n.readAt ? null : (
                <Form method="post">
                  <input type="hidden" name="id" value={n.id} />
                  <button type="submit" name="intent" value="read" className="button link small" disabled={busy}>
                    Mark read
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ol>
      </main>
    </>
  );
}
