import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";
import { jsonError, readText, refusalsAsJson, requireWithinCreateLimit } from "~/utils/http.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireApiUser(context, request);
  return Response.json(
    (await context.templates.forUser(user.id)).map((template) => ({
      id: template.id,
      title: template.title,
      version: template.version,
      description: template.description,
      sections: template.sections.map(({ key, title, kind, signoff }) => ({ key, title, kind, signoff })),
    })),
  );
}

/** POST a template file's JSON to import it for your own plans. */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "use POST to import a template");
  const user = await requireApiUser(context, request);
  await requireWithinCreateLimit(context, "template", user.id);
  const json = await readText(request);
  const template = await refusalsAsJson(() => context.templates.import(user.id, "the uploaded template", json));
  return Response.json({ id: template.id }, { status: 201 });
}
