import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { jsonError, readJson } from "~/utils/http.server";

const credentialsSchema = z.object({
  email: z.string().min(1, "email is required").max(320),
  password: z.string().min(1, "password is required").max(1000),
});

/** POST signs in (204 with the session cookie); DELETE signs out. */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method === "DELETE") {
    const cleared = await context.auth.endSession(request.headers.get("Cookie"));
    return new Response(null, { status: 204, headers: { "Set-Cookie": cleared } });
  }
  if (request.method !== "POST") return jsonError(405, "use POST to sign in or DELETE to sign out");
  const { email, password } = await readJson(request, credentialsSchema);
  const result = await context.auth.signIn(email, password, context.clientAddress);
  switch (result.status) {
    case "signed-in":
      return new Response(null, { status: 204, headers: { "Set-Cookie": result.setCookie } });
    case "wrong-credentials":
      return jsonError(401, "wrong email or password");
    case "throttled":
      return jsonError(429, `too many failed sign-ins; try again in ${result.retryAfterSeconds} s`, {
        "Retry-After": String(result.retryAfterSeconds),
      });
  }
}

export function loader() {
  return jsonError(405, "use POST to sign in or DELETE to sign out");
}
