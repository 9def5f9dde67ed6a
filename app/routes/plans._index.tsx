import type {
  ActionFunctionArgs,
  AppLoadContext,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSubmit } from "@remix-run/react";
import { useState } from "react";
import { ConfirmDialog } from "~/components/ConfirmDialog";
import { formatDateTime } from "~/shared/dates";
import { AppHeader } from "~/components/AppHeader";
import { isRefusal, REFUSAL_STATUS } from "~/shared/errors";
import { canManagePlan, ROLE_LABEL } from "~/shared/permissions";
import { newPlanSchema, planChangeSchema, planListQuerySchema } from "~/shared/plan-input";
import { requireUser } from "~/utils/auth.server";
import { requirePlanManager } from "~/utils/plan-access.server";
import { sentence } from "~/shared/sentence";
import type { SessionUser } from "../../server/auth/sessions.server";

/** A refusal's Retry-After reaches the browser with the page, not only with its data. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export const meta: MetaFunction = () => [{ title: "Your plans · Coplan" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const query = planListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const plans = await context.planList.list(user.id, query);
  return {
    user,
    query,
    plans: query.status === "any" ? plans : plans.filter((plan) => plan.status === query.status),
    templates: (await context.templates.forUser(user.id)).map(({ id, title, sections }) => ({
      id,
      title,
      sectionCount: sections.length,
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "rename" || intent === "archive" || intent === "unarchive" || intent === "delete") {
    return managePlan(context, user, intent, form);
  }
  const formName = intent === "import-template" ? "import" : "create";
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
      const template = await context.templates.import(user.id, file.name, await file.text());
      return { form: "import", notice: `Imported "${template.title}". You can start a plan from it below.` };
    }
    const parsed = newPlanSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) return data({ form: "create", error: parsed.error.issues[0]!.message }, { status: 400 });
    const plan = await context.plans.create(user.id, parsed.data);
    throw redirect(`/plans/${plan.id}`);
  } catch (error) {
    if (isRefusal(error)) {
      return data({ form: formName, error: error.message }, { status: REFUSAL_STATUS[error.kind] });
    }
    throw error;
  }
}

/** Renaming, archiving and deleting from the list: the same rules as PATCH/DELETE /api/plans/:id. */
async function managePlan(context: AppLoadContext, user: SessionUser, intent: string, form: FormData) {
  let plan;
  try {
    plan = await requirePlanManager(context, user, String(form.get("planId") ?? ""));
  } catch (error) {
    if (!isRefusal(error)) throw error;
    return data({ form: "manage", error: sentence(error.message) }, { status: REFUSAL_STATUS[error.kind] });
  }
  if (intent === "delete") {
    await context.planList.remove(plan, user.id);
    return { form: "manage", notice: `Deleted “${plan.title}”.` };
  }
  const change = planChangeSchema.safeParse(
    intent === "rename" ? { title: form.get("title") } : { archived: intent === "archive" },
  );
  if (!change.success) return data({ form: "manage", error: change.error.issues[0]!.message }, { status: 400 });
  await context.planList.change(plan, user.id, change.data);
  const done = intent === "rename" ? "Renamed" : intent === "archive" ? "Archived" : "Unarchived";
  return { form: "manage", notice: `${done} “${change.data.title ?? plan.title}”.` };
}

export default function Plans() {
  const { user, plans, templates, query } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <AppHeader user={user} />
      <main className="page" id="main" tabIndex={-1}>
        <div className="plans-head">
          <h1>Your plans</h1>
          {/* Kept open while an import's outcome is shown in it. */}
          <details className="menu" open={result?.form === "import" || undefined}>
            <summary className="button small">More</summary>
            <div className="menu__panel">
              <ImportTemplate result={result} />
            </div>
          </details>
        </div>
        <Form method="get" className="plan-filters" aria-label="Filter and sort plans">
          <div className="plan-filters__field">
            <label htmlFor="plans-show">Show</label>
            <select id="plans-show" name="show" defaultValue={query.show}>
              <option value="active">Current plans</option>
              <option value="archived">Archived plans</option>
              <option value="all">All plans</option>
            </select>
          </div>
          <div className="plan-filters__field">
            <label htmlFor="plans-status">Status</label>
            <select id="plans-status" name="status" defaultValue={query.status}>
              <option value="any">Any status</option>
              <option value="draft">Draft</option>
              <option value="final">Final</option>
            </select>
          </div>
          <div className="plan-filters__field">
            <label htmlFor="plans-sort">Sort by</label>
            <select id="plans-sort" name="sort" defaultValue={query.sort}>
              <option value="edited">Last edited</option>
              <option value="title">Title</option>
              <option value="area">Area</option>
              <option value="progress">Sign-off progress</option>
            </select>
          </div>
          <button type="submit" className="button small">
            Apply
          </button>
        </Form>
        {result?.form === "manage" ? (
          <div
            className={`alert ${"error" in result ? "error" : "notice"}`}
            role={"error" in result ? "alert" : "status"}
          >
            {"error" in result ? result.error : result.notice}
          </div>
        ) : null}
        {plans.length === 0 ? (
          <p className="muted">
            {query.show === "active" && query.status === "any"
              ? "You are not a member of any plan yet. Start one below, or ask a plan owner to add you."
              : "No plans match."}
          </p>
        ) : (
          <ul className="plan-list">
            {plans.map((plan) => (
              <PlanCard key={plan.id} plan={plan} />
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
      </main>
    </>
  );
}

type ActionResult = ReturnType<typeof useActionData<typeof action>>;

function ImportTemplate({ result }: { result: ActionResult }) {
  return (
    <section aria-labelledby="import-template">
      <h2 id="import-template">Import a template</h2>
      <p className="muted">
        A template is a JSON file listing the plan's sections (key, title, kind, guidance and the sides that sign each
        off), like those in <code>plan-templates/</code>. Imported templates are yours to start plans from.
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
  );
}

type PlanRow = ReturnType<typeof useLoaderData<typeof loader>>["plans"][number];

/** The person's role on the plan; a deputy who is not a member reads as what they are, not as a viewer. */
function RoleTags({ plan }: { plan: PlanRow }) {
  const deputy = plan.standsInFor.length > 0;
  return (
    <>
      {deputy && plan.role === "viewer" ? null : <span className="tag">{ROLE_LABEL[plan.role]}</span>}
      {deputy ? (
        <span className="tag">Deputy for {plan.standsInFor.map((person) => person.name).join(" and ")}</span>
      ) : null}
    </>
  );
}

function PlanCard({ plan }: { plan: PlanRow }) {
  const [confirming, setConfirming] = useState(false);
  const submit = useSubmit();
  return (
    <li className="plan-card" data-testid="plan-card">
      <span className="plan-card__area">{plan.area}</span>
      <Link to={`/plans/${plan.id}`} className="plan-card__title">
        {plan.title}
      </Link>
      <span className="plan-card__tags">
        <span className={`plan-status plan-status--${plan.status}`}>{plan.status === "final" ? "Final" : "Draft"}</span>
        {plan.archived ? <span className="tag">Archived</span> : null}
        <RoleTags plan={plan} />
      </span>
      <span className="plan-card__facts">
        <span>
          {plan.signed} of {plan.total} sections signed off
        </span>
        <progress max={plan.total} value={plan.signed} aria-label={`${plan.title}: sections signed off`} />
        {plan.stale > 0 ? (
          <span className="plan-card__stale">
            {plan.stale} stale {plan.stale === 1 ? "sign-off" : "sign-offs"}
          </span>
        ) : null}
        <span className="muted">Last edited {formatDateTime(new Date(plan.editedAt).toISOString())}</span>
      </span>
      {canManagePlan(plan.role) ? (
        <details className="menu plan-card__manage">
          <summary className="button small">
            Manage<span className="visually-hidden"> {plan.title}</span>
          </summary>
          <div className="menu__panel stack">
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="rename" />
              <input type="hidden" name="planId" value={plan.id} />
              <label>
                <span>
                  New title<span className="visually-hidden"> for {plan.title}</span>
                </span>
                <input name="title" defaultValue={plan.title} required maxLength={200} />
              </label>
              <button type="submit" className="button small">
                Rename
              </button>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value={plan.archived ? "unarchive" : "archive"} />
              <input type="hidden" name="planId" value={plan.id} />
              <button type="submit" className="button small">
                {plan.archived ? "Unarchive" : "Archive"}
              </button>
            </Form>
            <button type="button" className="button small danger" onClick={() => setConfirming(true)}>
              Delete…
            </button>
          </div>
        </details>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={`Delete “${plan.title}”?`}
        confirmLabel={`Delete “${plan.title}”`}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          submit({ intent: "delete", planId: plan.id }, { method: "post" });
        }}
      >
        <p>
          This deletes the plan for everyone, with its text, tables, comments and sign-offs. It cannot be undone.
          Archive it instead to keep it out of the list.
        </p>
      </ConfirmDialog>
    </li>
  );
}
