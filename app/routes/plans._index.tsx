import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AppHeader } from "~/components/AppHeader";
import { isRefusal, REFUSAL_STATUS } from "~/shared/errors";
import { ROLE_LABEL } from "~/shared/permissions";
import { newPlanSchema } from "~/shared/plan-input";
import { requireUser } from "~/utils/auth.server";

/** A refusal's Retry-After reaches the browser with the page, not only with its data. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export const meta: MetaFunction = () => [{ title: "Your plans · Coplan" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  return {
    user,
    plans: context.plans.listForUser(user.id),
    templates: context.templates.forUser(user.id).map(({ id, title, sections }) => ({
      id,
      title,
      sectionCount: sections.length,
    })),
  };
}

const MAX_TEMPLATE_BYTES = 256 * 1024;

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const form = await request.formData();
  const formName = form.get("intent") === "import-template" ? "import" : "create";
  const retryAfterSeconds = await context.createLimits.take(formName === "import" ? "template" : "plan", user.id);
  if (retryAfterSeconds > 0) {
    return data(
      { form: formName, error: `You have made many of these lately. Try again in ${retryAfterSeconds} seconds.` },
      { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } },
    );
  }
  try {
    if (formName === "import") {
      const file = form.get("file");
      if (!(file instanceof File) || file.size === 0) {
        return data({ form: "import", error: "Choose a template file (.json) to import." }, { status: 400 });
      }
      if (file.size > MAX_TEMPLATE_BYTES) {
        return data(
          { form: "import", error: "That file is too large for a template (256 KB at most)." },
          { status: 413 },
        );
      }
      const template = context.templates.import(user.id, file.name, await file.text());
      return { form: "import", notice: `Imported "${template.title}". You can start a plan from it below.` };
    }
    const parsed = newPlanSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) return data({ form: "create", error: parsed.error.issues[0]!.message }, { status: 400 });
    const plan = context.plans.create(user.id, parsed.data);
    throw redirect(`/plans/${plan.id}`);
  } catch (error) {
    if (isRefusal(error)) {
      return data({ form: formName, error: error.message }, { status: REFUSAL_STATUS[error.kind] });
    }
    throw error;
  }
}

export default function Plans() {
  const { user, plans, templates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <AppHeader user={user} />
      <main className="page" id="main" tabIndex={-1}>
        <h1>Your plans</h1>
        {plans.length === 0 ? (
          <p className="muted">
            You are not a member of any plan yet. Start one below, or ask a plan owner to add you.
          </p>
        ) : (
          <ul className="plan-list">
            {plans.map((plan) => (
              <li key={plan.id}>
                <Link to={`/plans/${plan.id}`} className="plan-card">
                  <span className="plan-card__area">{plan.area}</span>
                  <span className="plan-card__title">{plan.title}</span>
                  <span className="tag">{ROLE_LABEL[plan.role]}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        <section className="panel" aria-labelledby="new-plan">
          <h2 id="new-plan">Start a new plan</h2>
          {result?.form === "create" && "error" in result ? (
            <div className="alert error" role="alert">
              {result.error}
            </div>
          ) : null}
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="create" />
            <label>
              Template
              <select name="templateId" required>
                {templates.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.title} ({t.sectionCount} sections)
                  </option>
                ))}
              </select>
            </label>
            <label>
              Area
              <input name="area" required maxLength={200} placeholder="e.g. Greater Manchester" />
            </label>
            <label>
              Plan title
              <input name="title" required maxLength={200} placeholder="e.g. Operational Plan 2012-13" />
            </label>
            <button type="submit" className="button primary">
              Create plan
            </button>
          </Form>
        </section>
        <section className="panel" aria-labelledby="import-template">
          <h2 id="import-template">Import a template</h2>
          <p className="muted">
            A template is a JSON file listing the plan's sections (key, title, kind, guidance and the sides that sign
            each off), like those in <code>plan-templates/</code>. Imported templates are yours to start plans from.
          </p>
          {result?.form === "import" && "error" in result ? (
            <div className="alert error template-errors" role="alert">
              {result.error}
            </div>
          ) : null}
          {result?.form === "import" && "notice" in result ? (
            <div className="alert notice" role="status">
              {result.notice}
            </div>
          ) : null}
          <Form method="post" encType="multipart/form-data" className="stack">
            <input type="hidden" name="intent" value="import-template" />
            <label>
              Template file
              <input name="file" type="file" accept="application/json,.json" required />
            </label>
            <button type="submit" className="button">
              Import template
            </button>
          </Form>
        </section>
      </main>
    </>
  );
}
