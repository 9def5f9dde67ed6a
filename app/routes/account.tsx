import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AppHeader } from "~/components/AppHeader";
import { DeputyPanel } from "~/components/DeputyPanel";
import { deputyInputSchema } from "~/shared/deputy-input";
import { formatCalendarDate } from "~/shared/dates";
import { isRefusal, REFUSAL_STATUS, retryAfterHeaders } from "~/shared/errors";
import { NOTIFICATION_TYPE_LABEL, NOTIFICATION_TYPES, type NotificationType } from "~/shared/notification-types";
import { requireUser } from "~/utils/auth.server";
import { sentence } from "~/shared/sentence";

export const meta: MetaFunction = () => [{ title: "Your account · Coplan" }];

/** A throttled password change answers 429 with Retry-After, as sign-in does. */
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  return {
    user,
    optOuts: await context.account.emailOptOuts(user.id),
    deputies: await context.deputies.forAccount(user.id),
    today: context.deputies.today(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const form = await request.formData();
  try {
    switch (form.get("intent")) {
      case "rename":
        await context.account.rename(user.id, String(form.get("name") ?? ""));
        return { notice: "Your name is changed." };
      case "password": {
        const session = await context.auth.sessionFromCookie(request.headers.get("Cookie"));
        await context.account.changePassword(user.id, session!.sessionHash, context.clientAddress, {
          current: String(form.get("current") ?? ""),
          password: String(form.get("password") ?? ""),
        });
        return { notice: "Your password is changed, and you are signed out everywhere else." };
      }
      case "emails": {
        const wanted = new Set(form.getAll("email"));
        await context.account.setEmailOptOuts(
          user.id,
          NOTIFICATION_TYPES.filter((type) => !wanted.has(type)),
        );
        return { notice: "Your email choices are saved." };
      }
      case "deputy": {
        const input = deputyInputSchema.safeParse(Object.fromEntries(form));
        if (!input.success) {
          const issue = input.error.issues[0]!;
          return data({ error: sentence(`${issue.path.join(".")}: ${issue.message}`) }, { status: 400 });
        }
        const named = await context.deputies.name(user, input.data);
        return {
          notice: `${named.deputy.name} stands in for you from ${formatCalendarDate(named.from)} to ${formatCalendarDate(named.until)}.`,
        };
      }
      case "end-deputy":
        await context.deputies.end(user.id);
        return { notice: "Your deputy no longer stands in for you." };
      default:
        return data({ error: "Unknown action." }, { status: 400 });
    }
  } catch (error) {
    if (isRefusal(error)) {
      const status = error.kind === "too-many" ? REFUSAL_STATUS[error.kind] : 400;
      return data({ error: sentence(error.message) }, { status, headers: retryAfterHeaders(error) });
    }
    throw error;
  }
}

export default function Account() {
  const { user, optOuts, deputies, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const off = new Set<NotificationType>(optOuts);
  return (
    <>
      <AppHeader user={user} />
      <main id="main" tabIndex={-1} className="page narrow">
        <h1>Your account</h1>
        <p className="muted">
          {user.email} · {user.organisation}
        </p>
        {result && "error" in result ? (
          <div className="alert error" role="alert">
            {result.error}
          </div>
        ) : null}
        {result && "notice" in result ? (
          <div className="alert notice" role="status">
            {result.notice}
          </div>
        ) : null}
        <section className="panel" aria-labelledby="account-name">
          <h2 id="account-name">Name</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="rename" />
            <label>
              Your name
              <input name="name" defaultValue={user.name} required maxLength={200} autoComplete="name" />
            </label>
            <button type="submit" className="button" disabled={busy}>
              Save name
            </button>
          </Form>
        </section>
        <section className="panel" aria-labelledby="account-password">
          <h2 id="account-password">Password</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="password" />
            <label>
              Current password
              <input name="current" type="password" required autoComplete="current-password" />
            </label>
            <label>
              New password <span className="muted">(at least 8 characters)</span>
              <input name="password" type="password" required minLength={8} autoComplete="new-password" />
            </label>
            <button type="submit" className="button" disabled={busy}>
              Change password
            </button>
            <p className="muted">Changing it signs you out on every other device.</p>
          </Form>
        </section>
        <DeputyPanel named={deputies.named} standingInFor={deputies.standingInFor} today={today} busy={busy} />
        <section className="panel" aria-labelledby="account-emails">
          <h2 id="account-emails">Emails</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="emails" />
            <fieldset>
              <legend>Email me when</legend>
              {NOTIFICATION_TYPES.map((type) => (
                <label key={type} className="checkbox">
                  <input type="checkbox" name="email" value={type} defaultChecked={!off.has(type)} />{" "}
                  {NOTIFICATION_TYPE_LABEL[type]}
                </label>
              ))}
            </fieldset>
            <p className="muted">You always see these in Coplan&rsquo;s notifications; this only chooses the emails.</p>
            <button type="submit" className="button" disabled={busy}>
              Save email choices
            </button>
          </Form>
        </section>
      </main>
    </>
  );
}
