import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Reset your password · Coplan" }];

export async function action({ request, context }: ActionFunctionArgs) {
  const email = String((await request.formData()).get("email") ?? "").trim();
  if (!email || email.length > 320) return data({ error: "Enter your email address.", sent: false }, { status: 400 });
  context.passwordResets.request(email);
  return { error: null, sent: true };
}

export default function RequestPasswordReset() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <main id="main" tabIndex={-1} className="page narrow login">
      <p className="brand">Coplan</p>
      <h1>Reset your password</h1>
      {result?.sent ? (
        <div className="alert notice" role="status">
          If an account has that email, we have sent it a link to choose a new password. The link works for one hour.
        </div>
      ) : (
        <>
          <p className="lede">Enter the email you sign in with and we will send you a link to choose a new password.</p>
          {result?.error ? (
            <div className="alert error" role="alert">
              {result.error}
            </div>
          ) : null}
          <Form method="post" className="stack">
            <label>
              Email address
              <input name="email" type="email" autoComplete="username" required autoFocus />
            </label>
            <button type="submit" className="button primary" disabled={busy}>
              Send me a link
            </button>
          </Form>
        </>
      )}
      <p>
        <Link to="/login">Back to sign in</Link>
      </p>
    </main>
  );
}
