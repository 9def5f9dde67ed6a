import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AppHeader } from "~/components/AppHeader";
import { adminInviteSchema } from "~/shared/admin-input";
import { isRefusal } from "~/shared/errors";
import { SIDE_LABEL, SIDES } from "~/shared/permissions";
import { requireAdmin } from "~/utils/auth.server";
import { ScrollBox } from "~/components/ScrollBox";
import { sentence } from "~/shared/sentence";

export const meta: MetaFunction = () => [{ title: "Administration · Coplan" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireAdmin(context, request, "page");
  // Only what tells the seal apart: the key itself never leaves the server.
  const seal = {
    subject: context.seal.subject.split("\n").join(", "),
    fingerprint: context.seal.fingerprint,
    ownCertificate: context.seal.source === "p12",
  };
  return { user, users: await context.admin.listUsers(), invitations: await context.admin.pendingInvitations(), seal };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireAdmin(context, request, "page");
  const form = Object.fromEntries(await request.formData());
  try {
    switch (form.intent) {
      case "invite": {
        const input = adminInviteSchema.safeParse(form);
        if (!input.success) return data({ error: sentence(input.error.issues[0]!.message) }, { status: 400 });
        await context.admin.invite(admin, input.data);
        return { notice: `Invitation sent to ${input.data.email}.` };
      }
      case "deactivate":
        await context.admin.deactivate(admin, String(form.userId));
        return { notice: "Deactivated: they are signed out and cannot sign in." };
      case "reactivate":
        await context.admin.reactivate(admin, String(form.userId));
        return { notice: "Reactivated: they can sign in again." };
      default:
        return data({ error: "Unknown action." }, { status: 400 });
    }
  } catch (error) {
    if (isRefusal(error)) return data({ error: sentence(error.message) }, { status: 400 });
    throw error;
  }
}

export default function Admin() {
  const { user, users, invitations, seal } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <AppHeader user={user} />
      <main id="main" tabIndex={-1} className="page">
        <h1>Administration</h1>
        <p>
          <Link to="/admin/outbox">Outbox: every email Coplan has sent or kept</Link>
        </p>
        {result && "error" in result ? (
          <div className="alert error" role="alert">
            {result.error}
          </div>
        ) : null}
        {result && "notice" in result ? (
          <div className="alert notice" role="status">
            {result.notice}
          </div>
        ) : null}
        <h2>Users</h2>
        <ScrollBox label="Users">
          <table className="members admin-users">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Organisation</th>
                <th scope="col">Side</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((person) => (
                <tr key={person.id} className={person.deactivatedAt ? "is-deactivated" : undefined}>
                  <td>
                    <strong>{person.name}</strong>
                    <br />
                    <span className="muted">{person.email}</span>
                  </td>
                  <td>{person.organisation}</td>
                  <td>{SIDE_LABEL[person.side]}</td>
                  <td>
                    {person.deactivatedAt ? "Deactivated" : "Active"}
                    {person.isAdmin ? " · administrator" : ""}
                  </td>
                  <td>
                    {person.id === user.id ? null : (
                      <Form method="post">
                        <input type="hidden" name="userId" value={person.id} />
                        <button
                          type="submit"
                          name="intent"
                          value={person.deactivatedAt ? "reactivate" : "deactivate"}
                          className={person.deactivatedAt ? "button small" : "button link danger"}
                          disabled={busy}
                          aria-label={`${person.deactivatedAt ? "Reactivate" : "Deactivate"} ${person.name}`}
                        >
                          {person.deactivatedAt ? "Reactivate" : "Deactivate"}
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
        <section className="panel" aria-labelledby="invite-user">
          <h2 id="invite-user">Invite someone to Coplan</h2>
          <p className="muted">They get an email with a link to choose their name and password (valid 7 days).</p>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value="invite" />
            <label>
              Email address
              <input name="email" type="email" required maxLength={320} />
            </label>
            <label>
              Organisation
              <input name="organisation" required maxLength={200} />
            </label>
            <label>
              Side
              <select name="side" defaultValue="local">
                {SIDES.map((side) => (
                  <option key={side} value={side}>
                    {SIDE_LABEL[side]}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button primary" disabled={busy}>
              Send invitation
            </button>
          </Form>
          {invitations.length > 0 ? (
            <>
              <h3>Waiting to be accepted</h3>
              <ul>
                {invitations.map((invitation) => (
                  <li key={invitation.id}>
                    {invitation.email} <span className="muted">· {invitation.organisation}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
        <section className="panel" aria-labelledby="pdf-seal">
          <h2 id="pdf-seal">PDF seal</h2>
          <p>
            Every exported PDF carries this instance&apos;s seal{" "}
            {seal.ownCertificate
              ? "(the certificate in SEAL_P12_PATH)"
              : "(self-signed, made when Coplan first started)"}
            . It is the organisation&apos;s seal on the file, not anyone&apos;s personal signature.{" "}
            <code>pdfsig FILE</code> names the subject a PDF was sealed with, and{" "}
            <code>npm run admin -- verify-pdf FILE</code> checks that it is this fingerprint.
          </p>
          <dl className="seal-details">
            <dt>Subject</dt>
            <dd>{seal.subject}</dd>
            <dt>SHA-256 fingerprint</dt>
            <dd>
              <code>{seal.fingerprint}</code>
            </dd>
          </dl>
        </section>
      </main>
    </>
  );
}
