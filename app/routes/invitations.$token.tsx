import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { isRefusal } from "~/shared/errors";
import { ROLE_LABEL } from "~/shared/permissions";
import { getUser } from "~/utils/auth.server";
import { sentence } from "~/shared/sentence";

export const meta: MetaFunction = () => [{ title: "Accept your invitation · Coplan" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const invitation = await context.invitations.describe(params.token ?? "");
  if (!invitation) return data({ invitation: null, signedInAs: null }, { status: 410 });
  const user = await getUser(context, request);
  return { invitation, signedInAs: user?.email ?? null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const form = await request.formData();
  try {
    if (form.get("intent") === "join") {
      const user = await getUser(context, request);
      if (!user) throw redirect(`/login?${new URLSearchParams({ redirectTo: `/invitations/${token}` })}`);
      throw redirect((await context.invitations.acceptAsUser(token, user)).to);
    }
    const result = await context.invitations.accept(token, {
      name: String(form.get("name") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    throw redirect(result.to, { headers: { "Set-Cookie": result.setCookie } });
  } catch (error) {
    if (isRefusal(error)) return data({ error: sentence(error.message) }, { status: 400 });
    throw error;
  }
}

export default function AcceptInvitation() {
  const { invitation, signedInAs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  if (!invitation) {
    return (
      <main id="main" tabIndex={-1} className="page narrow">
        <p className="brand">Coplan</p>
        <h1>This invitation link no longer works</h1>
        <p>
          It has been used already, withdrawn, or it is more than 7 days old. Ask the person who invited you to send it
          again.
        </p>
        <p>
          <Link to="/login">Sign in</Link> if you already have an account.
        </p>
      </main>
    );
  }
  const where = invitation.planTitle ? `the plan “${invitation.planTitle}”` : "Coplan";
  return (
    <main id="main" tabIndex={-1} className="page narrow">
      <p className="brand">Coplan</p>
      <h1>Join {where}</h1>
      <p className="lede">
        {invitation.inviterName} invited {invitation.email}
        {invitation.role ? ` as ${ROLE_LABEL[invitation.role].toLowerCase()}` : ""}.
      </p>
      {result?.error ? (
        <div className="alert error" role="alert">
          {result.error}
        </div>
      ) : null}
      {invitation.accountExists ? (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="join" />
          <p>
            {signedInAs === invitation.email
              ? "You already have an account with this email."
              : "You already have an account with this email: sign in with it to accept."}
          </p>
          <button type="submit" className="button primary" disabled={busy}>
            {signedInAs === invitation.email ? "Accept the invitation" : "Sign in and accept"}
          </button>
        </Form>
      ) : (
        <Form method="post" className="stack">
          <label>
            Your name
            <input name="name" autoComplete="name" required maxLength={200} autoFocus />
          </label>
          <label>
            Choose a password <span className="muted">(at least 8 characters)</span>
            <input name="password" type="password" autoComplete="new-password" required minLength={8} />
          </label>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? "Setting up…" : "Create my account"}
          </button>
        </Form>
      )}
    </main>
  );
}
