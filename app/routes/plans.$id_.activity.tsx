import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AppHeader } from "~/components/AppHeader";
import { formatDateTime } from "~/shared/dates";
import { canReadAudit } from "~/shared/permissions";
import { requireUser } from "~/utils/auth.server";
import { requirePlanMember } from "~/utils/plan-access.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Activity · ${data.plan.title} · Coplan` : "Activity · Coplan" },
];

/** The plan's audit log for its owners, filtered by person and type (`?person=&type=`). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const { plan, role } = requirePlanMember(context, user, params.id, "page");
  if (!canReadAudit(role)) throw new Response("Only the plan's owners see its activity", { status: 403 });
  const query = new URL(request.url).searchParams;
  const filter = { userId: query.get("person") || undefined, type: query.get("type") || undefined };
  return {
    user,
    plan: { id: plan.id, title: plan.title },
    filter,
    facets: context.audit.facets(plan.id),
    entries: context.audit
      .activity(plan, filter)
      .map((entry) => ({ ...entry, at: entry.at.toISOString(), detail: summary(entry.detail) })),
  };
}

function summary(detail: Record<string, unknown> | null): string {
  if (!detail) return "";
  return Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([name, value]) => `${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("; ");
}

export default function ActivityPage() {
  const { user, plan, filter, facets, entries } = useLoaderData<typeof loader>();
  const csv = new URLSearchParams({
    ...(filter.userId ? { person: filter.userId } : {}),
    ...(filter.type ? { type: filter.type } : {}),
  });
  return (
    <>
      <AppHeader user={user} />
      <main id="main" tabIndex={-1} className="page activity">
        <p className="eyebrow">
          <Link to={`/plans/${plan.id}`}>← {plan.title}</Link>
        </p>
        <h1>Activity</h1>
        <Form method="get" className="activity__filter">
          <label>
            Person{" "}
            <select name="person" defaultValue={filter.userId ?? ""}>
              <option value="">Everyone</option>
              {facets.people.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            Type{" "}
            <select name="type" defaultValue={filter.type ?? ""}>
              <option value="">Every type</option>
              {facets.types.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </label>{" "}
          <button type="submit" className="button">
            Filter
          </button>{" "}
          <a className="button" href={`/plans/${plan.id}/activity.csv${csv.size > 0 ? `?${csv}` : ""}`} download>
            Download CSV
          </a>
        </Form>
        <table className="activity__table" data-testid="activity">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What happened</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{formatDateTime(entry.at)}</td>
                <td>
                  <span data-testid="activity-sentence">{entry.sentence}</span>
                  {entry.detail ? (
                    <details className="activity__detail">
                      <summary>Details</summary>
                      <code>
                        {entry.type}; {entry.detail}
                      </code>
                    </details>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {entries.length === 0 ? <p>Nothing matches.</p> : null}
      </main>
    </>
  );
}
