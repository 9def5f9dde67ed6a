import { jsonError } from "~/utils/http.server";

function notFound() {
  return jsonError(404, "no such API route");
}

export const loader = notFound;
export const action = notFound;
