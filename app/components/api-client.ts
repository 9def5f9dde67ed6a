/**
 * The UI's calls to the JSON API, with the failures already put into words people can act on:
 * the server's own `{"error": "..."}` when it gave one, otherwise its status, and a plain
 * message when the server could not be reached at all.
 */

export const UNREACHABLE = "Could not reach the server. Check your connection and try again.";

export function serverAnswered(status: number): string {
  return `The server answered ${status}.`;
}

/** What a refusal's body may carry besides its message, such as a 409's `changes`. */
export type ApiErrorBody = { error?: string } & Record<string, unknown>;

/** `status` is 0 when no answer came. `body` is the refusal's JSON, kept for callers that need its fields. */
export interface ApiFailure {
  ok: false;
  status: number;
  error: string;
  body: ApiErrorBody | null;
}

export type ApiResult<T> = { ok: true; status: number; body: T } | ApiFailure;

export type ApiResponse = { ok: true; status: number; response: Response } | ApiFailure;

/**
 * Sends the request and hands back the open response when it succeeded, for callers that
 * read the body themselves (a PDF streamed with progress).
 */
export async function apiResponse(method: string, url: string, body?: unknown): Promise<ApiResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, error: UNREACHABLE, body: null };
  }
  if (response.ok) return { ok: true, status: response.status, response };
  const refusal = await response.json().catch(() => null);
  const fields = isObject(refusal) ? (refusal as ApiErrorBody) : null;
  const error = typeof fields?.error === "string" ? fields.error : serverAnswered(response.status);
  return { ok: false, status: response.status, error, body: fields };
}

/**
 * Sends the request and reads the JSON answer. A 204 has no body (`undefined`); any other
 * success whose body is not JSON counts as a failure, since the caller could not use it.
 */
export async function apiRequest<T = unknown>(method: string, url: string, body?: unknown): Promise<ApiResult<T>> {
  const result = await apiResponse(method, url, body);
  if (!result.ok) return result;
  const { status, response } = result;
  if (status === 204) return { ok: true, status, body: undefined as T };
  try {
    return { ok: true, status, body: (await response.json()) as T };
  } catch {
    return { ok: false, status, error: serverAnswered(status), body: null };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
