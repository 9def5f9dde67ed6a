import type { AppLoadContext, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
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
  const { plan, role } = await requirePlanMember(context, user, params.id, "page");
  if (!canReadAudit(role)) throw new Response("Only the plan's owners see its activity", { status: 403 });
  const query = new URL(request.url).searchParams;
  const filter = { userId: query.get("person") || undefined, type: query.get("type") || undefined };
  return {
    user,
    plan: { id: plan.id, title: plan.title },
    filter,
    facets: await context.audit.facets(plan.id),
    chain: chainView(await context.audit.chain(plan.id)),
    entries: (await context.audit.activity(plan, filter)).map((entry) => ({
      ...entry,
      at: entry.at.toISOString(),
      detail: summary(entry.detail),
    })),
  };
}

function chainView({ entries, head, broken }: Awaited<ReturnType<AppLoadContext["audit"]["chain"]>>) {
  return {
    entries,
    head: head ? { id: head.id, hash: head.hash } : null,
    broken: broken ? { id: broken.id, at: broken.at.toISOString(), problem: broken.problem } : null,
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
  const { user, plan, filter, facets, chain, entries } = useLoaderData<typeof loader>();
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
        <ChainStatus chain={chain} />
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
              <tr key={entry.id} className={entry.id === chain.broken?.id ? "activity__broken" : undefined}>
                <td>{formatDateTime(entry.at)}</td>
                <td>
                  {entry.id === chain.broken?.id ? (
                    <strong className="activity__break">The chain breaks here: </strong>
                  ) : null}
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

/** Whether the log's hash chain holds, checked on every visit; where it breaks when not. */
function ChainStatus({ chain }: { chain: ReturnType<typeof useLoaderData<typeof loader>>["chain"] }) {
  if (chain.broken) {
    return (
      <div className="activity__chain activity__chain--broken" role="alert" data-testid="audit-chain">
        <p>
          <strong>The audit log has been altered.</strong> Its chain breaks at entry {chain.broken.id}, of{" "}
          {formatDateTime(chain.broken.at)}: {chain.broken.problem}.
        </p>
        <p>Entries from there on cannot be relied on. An administrator can check every plan with verify-audit.</p>
      </div>
    );
  }
  return (
    <p className="activity__chain" data-testid="audit-chain">
      The audit log is intact: each of its {chain.entries} {chain.entries === 1 ? "entry" : "entries"} holds the hash of
      the one before it, checked just now.
      {chain.head ? (
        <>
          {" "}
          Latest hash: <code className="activity__hash">{chain.head.hash}</code>
        </>
      ) : null}
    </p>
  );
}
