import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

export async function action({ request, context }: ActionFunctionArgs) {
  const cleared = await context.auth.endSession(request.headers.get("Cookie"));
  throw redirect("/login", { headers: { "Set-Cookie": cleared } });
}

export function loader() {
  return redirect("/plans");
}
