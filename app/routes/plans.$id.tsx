import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { AppHeader } from "~/components/AppHeader";
import { FindInPlan } from "~/components/FindInPlan";
import { PlanWorkspace } from "~/components/PlanWorkspace";
import { SuggestionAuthors } from "~/components/suggestion-authors";
import { canEdit } from "~/shared/permissions";
import { userColor } from "~/shared/user-color";
import { requireUser } from "~/utils/auth.server";
import { requirePlanMember } from "~/utils/plan-access.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.plan.title} · Coplan` : "Plan · Coplan" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const { plan, role, signsOff, standsInFor } = await requirePlanMember(context, user, params.id, "page");
  // Each reads the plan as stored at one of its room's cuts; read together, they share one.
  const [reading, suggestionCounts, signoffs, comments] = await Promise.all([
    context.plans.readingCopy(plan),
    context.suggestions.openCounts(plan),
    context.signoffs.current(plan),
    context.comments.list(plan),
  ]);
  return {
    user: { ...user, color: userColor(user.id) },
    role,
    signsOff,
    standsInFor: standsInFor.map(({ id, name }) => ({ id, name })),
    plan: context.plans.outline(plan),
    reading,
    // Suggestions' ids name their authors; hover and focus name them.
    authors: Object.fromEntries((await context.members.list(plan.id)).map((member) => [member.userId, member.name])),
    suggestionCounts,
    events: { signoffs, comments, cellSuggestions: await context.suggestions.openCells(plan) },
  };
}

export default function PlanPage() {
  const { user, role, signsOff, standsInFor, plan, reading, events, authors, suggestionCounts } =
    useLoaderData<typeof loader>();
  // The same object from one drawing to the next, as the plan's sections are memoised.
  const me = useMemo(() => ({ ...user, signsOff, standsInFor }), [user, signsOff, standsInFor]);
  return (
    <SuggestionAuthors.Provider value={authors}>
      <AppHeader user={user} />
      <PlanWorkspace
        plan={plan}
        reading={reading}
        me={me}
        role={role}
        editable={canEdit(role)}
        initialEvents={events}
        suggestionCounts={suggestionCounts}
      />
      <FindInPlan />
    </SuggestionAuthors.Provider>
  );
}
