import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { isRefusal } from "~/shared/errors";
import { sentence } from "~/shared/sentence";

export const meta: MetaFunction = () => [{ title: "Choose a new password · Coplan" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const usable = await context.passwordResets.isUsable(params.token ?? "");
  return data({ usable }, { status: usable ? 200 : 410 });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const password = String((await request.formData()).get("password") ?? "");
  try {
    await context.passwordResets.reset(params.token ?? "", password);
  } catch (error) {
    if (isRefusal(error)) return data({ error: sentence(error.message) }, { status: 400 });
    throw error;
  }
  throw redirect("/login?reset=done");
}

export default function ChooseNewPassword() {
  const { usable } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <main id="main" tabIndex={-1} className="page narrow login">
      <p className="brand">Coplan</p>
      <h1>Choose a new password</h1>
      {usable ? (
        <>
          {result?.error ? (
            <div className="alert error" role="alert">
              {result.error}
            </div>
          ) : null}
          <Form method="post" className="stack">
            <label>
              New password <span className="muted">(at least 8 characters)</span>
              <input name="password" type="password" autoComplete="new-password" required minLength={8} autoFocus />
            </label>
            <button type="submit" className="button primary" disabled={busy}>
              Set my new password
            </button>
          </Form>
          <p className="muted">Setting it signs you out everywhere else.</p>
        </>
      ) : (
        <p>
          This link has been used already or is more than an hour old.{" "}
          <Link to="/password-reset">Ask for a new one</Link>.
        </p>
      )}
    </main>
  );
}
