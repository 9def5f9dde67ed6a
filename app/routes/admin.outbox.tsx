import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AppHeader } from "~/components/AppHeader";
import { requireAdmin } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Outbox · Administration · Coplan" }];

const STATUS_LABEL = {
  pending: "Waiting to send",
  sent: "Sent",
  kept: "Kept here (no mail server set)",
  skipped: "Not sent (read in Coplan first)",
  failed: "Failed",
} as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireAdmin(context, request, "page");
  return { user, messages: await context.mail.list(), smtp: Boolean(context.env.SMTP_URL) };
}

export default function Outbox() {
  const { user, messages, smtp } = useLoaderData<typeof loader>();
  return (
    <>
      <AppHeader user={user} />
      <main id="main" tabIndex={-1} className="page">
        <p className="eyebrow">
          <Link to="/admin">← Administration</Link>
        </p>
        <h1>Outbox</h1>
        <p className="muted">
          {smtp
            ? "The newest 200 emails and what became of each."
            : "No mail server is set (SMTP_URL), so emails are kept here instead of being sent. The newest 200 are shown."}
        </p>
        {messages.length === 0 ? <p>No emails yet.</p> : null}
        <ol className="outbox">
          {messages.map((message) => (
            <li key={message.id} className="outbox__message">
              <details>
                <summary>
                  <strong>{message.subject}</strong> <span className="muted">to {message.to}</span>{" "}
                  <span className={`outbox__status outbox__status--${message.status}`}>
                    {STATUS_LABEL[message.status]}
                    {message.attempts > 0 ? ` · ${message.attempts} failed attempts` : ""}
                  </span>{" "}
                  <time className="muted" dateTime={message.createdAt.toISOString()}>
                    {message.createdAt.toLocaleString("en-GB", { timeZone: "UTC" })} UTC
                  </time>
                </summary>
                {message.lastError ? <p className="muted">Last error: {message.lastError}</p> : null}
                <pre className="outbox__text">{message.text}</pre>
              </details>
            </li>
          ))}
        </ol>
      </main>
    </>
  );
}
