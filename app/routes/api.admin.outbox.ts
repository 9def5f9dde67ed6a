import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "~/utils/auth.server";
import { methodNotAllowed } from "~/utils/http.server";

/** The newest 200 emails, sent or not, with their text (administrators). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(context, request, "api");
  return Response.json(
    (await context.mail.list()).map((m) => ({
      id: m.id,
      to: m.to,
      subject: m.subject,
      text: m.text,
      status: m.status,
      attempts: m.attempts,
      lastError: m.lastError,
      createdAt: m.createdAt,
      sentAt: m.sentAt,
    })),
  );
}

export const action = methodNotAllowed("use GET to read the outbox");
