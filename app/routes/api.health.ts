import { methodNotAllowed } from "~/utils/http.server";

export function loader() {
  return Response.json({ ok: true });
}

export const action = methodNotAllowed("use GET to check the server");
