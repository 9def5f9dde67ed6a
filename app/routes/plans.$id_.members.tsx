import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { AppHeader } from "~/components/AppHeader";
import { PendingInvitations } from "~/components/PendingInvitations";
import { RemoveMemberButton } from "~/components/RemoveMemberButton";
import { ScrollBox } from "~/components/ScrollBox";
import { isRefusal, REFUSAL_STATUS } from "~/shared/errors";
import { addMemberSchema, changeRoleSchema } from "~/shared/member-input";
import { canManageMembers, ROLE_LABEL, ROLES, SIDE_LABEL, SIDES } from "~/shared/permissions";
import { requireUser } from "~/utils/auth.server";
import { requirePlanMember } from "~/utils/plan-access.server";
import { sentence } from "~/shared/sentence";
import { formatCalendarDate } from "~/shared/dates";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Members · ${data.plan.title} · Coplan` : "Members · Coplan" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "page");
  return {
    user,
    plan: { id: plan.id, title: plan.title, area: plan.area },
    members: await context.members.list(plan.id),
    canManage: canManageMembers(role),
    invitations: canManageMembers(role) ? await context.invitations.pendingForPlan(plan.id) : [],
    standIns: canManageMembers(role) ? await context.access.standIns(plan.id) : [],
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request);
  const { plan, role } = await requirePlanMember(context, user, params.id, "page");
  if (!canManageMembers(role)) {
    return data({ error: "Only the plan's owners manage its members." }, { status: 403 });
  }
  const form = Object.fromEntries(await request.formData());
  try {
    switch (form.intent) {
      case "add": {
        const input = addMemberSchema.safeParse(form);
        if (!input.success) return data({ error: input.error.issues[0]!.message }, { status: 400 });
        const added = await context.invitations.addOrInvite(user, plan.id, input.data);
        if (added.kind === "invited") return { notice: `Invitation sent to ${input.data.email}.` };
        return {
          notice: `${added.member.name ?? added.member.email} is now ${ROLE_LABEL[added.member.role].toLowerCase()} of this plan.`,
        };
      }
      case "resend-invitation":
        await context.invitations.resend(user, plan.id, String(form.invitationId));
        return { notice: "Invitation sent again, with a new link." };
      case "withdraw-invitation":
        await context.invitations.withdraw(user, plan.id, String(form.invitationId));
        return { notice: "Invitation withdrawn: its link no longer works." };
      case "change-role": {
        const input = changeRoleSchema.safeParse(form);
        if (!input.success) return data({ error: input.error.issues[0]!.message }, { status: 400 });
        await context.members.changeRole(user.id, plan.id, String(form.userId), input.data.role);
        return { notice: "Role changed." };
      }
      case "signs-off": {
        const signsOff = form.signsOff === "true";
        await context.members.setSignsOff(user.id, plan.id, String(form.userId), signsOff);
        return {
          notice: signsOff
            ? "That owner now also signs off sections for their side."
            : "That owner no longer signs off sections.",
        };
      }
      case "remove": {
        const removed = (await context.members.list(plan.id)).find((member) => member.userId === form.userId);
        await context.members.remove(user.id, plan.id, String(form.userId));
        return {
          notice: `${removed?.name ?? "The member"} no longer has access to this plan.`,
          undo: removed ? { email: removed.email, role: removed.role, name: removed.name } : undefined,
        };
      }
      default:
        return data({ error: "Unknown action." }, { status: 400 });
    }
  } catch (error) {
    if (isRefusal(error)) return data({ error: sentence(error.message) }, { status: REFUSAL_STATUS[error.kind] });
    throw error;
  }
}

export default function Members() {
  const { user, plan, members, canManage, invitations, standIns } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const addForm = useRef<HTMLFormElement>(null);
  // Once someone is added or invited, the form empties, so that it does not invite a second send.
  useEffect(() => {
    if (result && "notice" in result) addForm.current?.reset();
  }, [result]);
  return (
    <>
      <AppHeader user={user} />
      <main className="page" id="main" tabIndex={-1}>
        <p className="eyebrow">
          <Link to={`/plans/${plan.id}`}>← {plan.title}</Link>
        </p>
        <h1>Members</h1>
        {result && "error" in result ? (
          <div className="alert error" role="alert">
            {result.error}
          </div>
        ) : null}
        {result && "notice" in result ? (
          <div className="alert notice" role="status">
            {result.notice}
            {"undo" in result && result.undo ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="add" />
                <input type="hidden" name="email" value={result.undo.email} />
                <input type="hidden" name="role" value={result.undo.role} />
                <button type="submit" className="button link" disabled={busy}>
                  Undo: add {result.undo.name} back as {ROLE_LABEL[result.undo.role].toLowerCase()}
                </button>
              </Form>
            ) : null}
          </div>
        ) : null}
        <ScrollBox label="Members" className="members-wrap">
          <table className="members">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Organisation and side</th>
                <th scope="col">Role</th>
                {canManage ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <tr key={member.userId}>
                  <td>
                    <strong>{member.name}</strong>
                    <br />
                    <span className="muted">{member.email}</span>
                  </td>
                  <td>
                    {member.organisation}
                    <br />
                    <span className="muted">{SIDE_LABEL[member.side]} side</span>
                  </td>
                  <td>
                    {canManage ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="change-role" />
                        <input type="hidden" name="userId" value={member.userId} />
                        <select name="role" defaultValue={member.role} aria-label={`Role of ${member.name}`}>
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {ROLE_LABEL[r]}
                            </option>
                          ))}
                        </select>
                        <button type="submit" className="button small" disabled={busy}>
                          Change
                        </button>
                      </Form>
                    ) : (
                      ROLE_LABEL[member.role]
                    )}
                    {member.role === "owner" && canManage ? (
                      <Form method="post" className="inline-form signs-off-form">
                        <input type="hidden" name="intent" value="signs-off" />
                        <input type="hidden" name="userId" value={member.userId} />
                        <input type="hidden" name="signsOff" value={member.signsOff ? "false" : "true"} />
                        <span className="muted">{member.signsOff ? "Also signs off." : "Does not sign off."}</span>
                        <button type="submit" className="button link" disabled={busy}>
                          {member.signsOff ? "Stop" : "Make a signatory too"}
                          <span className="visually-hidden">
                            {member.signsOff ? `: ${member.name} no longer signs off sections` : `: ${member.name}`}
                          </span>
                        </button>
                      </Form>
                    ) : member.role === "owner" && member.signsOff ? (
                      <span className="muted"> (also signs off)</span>
                    ) : null}
                  </td>
                  {canManage ? (
                    <td>
                      <RemoveMemberButton member={member} planTitle={plan.title} busy={busy} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
        {standIns.length > 0 ? (
          <section className="panel" aria-labelledby="stand-ins">
            <h2 id="stand-ins">Standing in</h2>
            <ul className="stand-ins">
              {standIns.map(({ deputy, signatory, untilDate }) => (
                <li key={`${deputy.id}:${signatory.id}`} data-testid="stand-in">
                  <strong>{deputy.name}</strong> stands in for <strong>{signatory.name}</strong> until{" "}
                  {formatCalendarDate(untilDate)}: reads this plan and signs off for them, without being a member.
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <PendingInvitations invitations={invitations} busy={busy} />
        {canManage ? (
          <section className="panel" aria-labelledby="add-member">
            <h2 id="add-member">Add a member</h2>
            <p className="muted">
              Someone without a Coplan account gets an email inviting them; give their organisation and side.
            </p>
            <Form method="post" className="stack" ref={addForm}>
              <input type="hidden" name="intent" value="add" />
              <label>
                Email address
                <input name="email" type="email" required />
              </label>
              <label>
                Role
                <select name="role" defaultValue="editor">
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABEL[r]}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Organisation <span className="muted">(if new to Coplan; yours by default)</span>
                <input name="organisation" maxLength={200} />
              </label>
              <label>
                Side <span className="muted">(if new to Coplan)</span>
                <select name="side" defaultValue="">
                  <option value="">Same as yours</option>
                  {SIDES.map((side) => (
                    <option key={side} value={side}>
                      {SIDE_LABEL[side]}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="button primary" disabled={busy}>
                Add member
              </button>
            </Form>
          </section>
        ) : null}
      </main>
    </>
  );
}
