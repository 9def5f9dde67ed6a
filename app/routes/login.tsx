import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { getUser, safeRedirectPath } from "~/utils/auth.server";

/** A refusal's Retry-After reaches the browser with the page, not only with its data. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export const meta: MetaFunction = () => [{ title: "Sign in · Coplan" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(context, request);
  if (user) throw redirect(safeRedirectPath(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get("email") ?? "");
  const password = String(form.get("password") ?? "");
  if (!email || !password) {
    return data({ error: "Enter your email address and password." }, { status: 400 });
  }
  const result = await context.auth.signIn(email, password, context.clientAddress);
  switch (result.status) {
    case "signed-in":
      throw redirect(safeRedirectPath(form.get("redirectTo")), { headers: { "Set-Cookie": result.setCookie } });
    case "wrong-credentials":
      return data({ error: "The email or password is not right. Check them and try again." }, { status: 401 });
    case "throttled":
      return data(
        { error: `Too many failed sign-ins. Wait ${result.retryAfterSeconds} seconds and try again.` },
        { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
      );
  }
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const submitting = useNavigation().state !== "idle";
  return (
    <main className="page narrow login" id="main" tabIndex={-1}>
      <p className="brand">Coplan</p>
      <h1>Sign in</h1>
      <p className="lede">Co-author your area's Community Budget Operational Plan with partners and Whitehall.</p>
      {params.get("reset") === "done" && !result ? (
        <div className="alert notice" role="status">
          Your password is changed. Sign in with the new one.
        </div>
      ) : null}
      {result?.error ? (
        <div className="alert error" role="alert">
          {result.error}
        </div>
      ) : null}
      <Form method="post" className="stack">
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/plans"} />
        <label>
          Email address
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" className="button primary" disabled={submitting}>
          {submitting ? "Signing in…" : "Sign in"}
        </button>
      </Form>
      <p>
        <Link to="/password-reset">Forgot your password?</Link>
      </p>
    </main>
  );
}
