import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AppHeader } from "~/components/AppHeader";
import { ROLE_LABEL } from "~/lib/permissions";
import { newPlanSchema } from "~/lib/plan-input";
import { requireUser } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Your plans · Coplan" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  return {
    user,
    plans: context.plans.listForUser(user.id),
    templates: [...context.templates.values()].map(({ id, title, sections }) => ({
      id,
      title,
      sectionCount: sections.length,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const parsed = newPlanSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return data({ error: parsed.error.issues[0]!.message }, { status: 400 });
  }
  if (!context.templates.has(parsed.data.templateId)) {
    return data({ error: "Choose one of the templates listed." }, { status: 400 });
  }
  const plan = context.plans.create(user.id, parsed.data);
  throw redirect(`/plans/${plan.id}`);
}

export default function Plans() {
  const { user, plans, templates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <AppHeader user={user} />
      <main className="page">
        <h1>Your plans</h1>
        {plans.length === 0 ? (
          <p className="muted">You are not a member of any plan yet. Start one below, or ask a plan owner to add you.</p>
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
          {result?.error ? (
            <div className="alert error" role="alert">
              {result.error}
            </div>
          ) : null}
          <Form method="post" className="stack">
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
      </main>
    </>
  );
}
