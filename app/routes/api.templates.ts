import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiUser } from "~/utils/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireApiUser(context, request);
  return Response.json(
    [...context.templates.values()].map((template) => ({
      id: template.id,
      title: template.title,
      version: template.version,
      description: template.description,
      sections: template.sections.map(({ key, title, kind, signoff }) => ({ key, title, kind, signoff })),
    })),
  );
}
