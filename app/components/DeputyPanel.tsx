import { Form } from "@remix-run/react";
import { formatCalendarDate } from "~/shared/dates";

export interface DeputyshipItem {
  id: number;
  deputy: { name: string; email: string };
  signatory: { name: string };
  from: string;
  until: string;
  running: boolean;
}

function period({ from, until }: { from: string; until: string }): string {
  return from === until
    ? `on ${formatCalendarDate(from)}`
    : `from ${formatCalendarDate(from)} to ${formatCalendarDate(until)}`;
}

/**
 * The account page's deputy: whom you have named to read and sign for you while you are away,
 * a form to name one for a period (UK days, both included), and whom you stand in for.
 */
export function DeputyPanel({
  named,
  standingInFor,
  today,
  busy,
}: {
  named: DeputyshipItem[];
  standingInFor: DeputyshipItem[];
  today: string;
  busy: boolean;
}) {
  return (
    <section className="panel" aria-labelledby="account-deputy">
      <h2 id="account-deputy">Deputy while you are away</h2>
      <p className="muted">
        A deputy on your side reads the plans you sign off and signs for you, with their own password, only during the
        days you choose. Each sign-off shows both names, and you are told of it.
      </p>
      {named.length > 0 ? (
        <ul className="deputies" data-testid="my-deputies">
          {named.map((item) => (
            <li key={item.id}>
              <strong>{item.deputy.name}</strong> ({item.deputy.email}) stands in for you {period(item)}
              {item.running ? " (now)" : ""}.
            </li>
          ))}
        </ul>
      ) : null}
      {named.length > 0 ? (
        <Form method="post" className="deputy-end">
          <input type="hidden" name="intent" value="end-deputy" />
          <button type="submit" className="button danger" disabled={busy}>
            End now<span className="visually-hidden">: no deputy stands in for you</span>
          </button>
        </Form>
      ) : null}
      <h3>{named.length > 0 ? "Name another deputy or change the days" : "Name a deputy"}</h3>
      <Form method="post" className="stack deputy-form">
        <input type="hidden" name="intent" value="deputy" />
        <label>
          Deputy&rsquo;s email
          <input name="email" type="email" required autoComplete="off" />
        </label>
        <div className="deputy-form__dates">
          <label>
            First day
            <input name="from" type="date" required min={today} defaultValue={today} />
          </label>
          <label>
            Last day
            <input name="until" type="date" required min={today} />
          </label>
        </div>
        <button type="submit" className="button" disabled={busy}>
          Name deputy
        </button>
        <p className="muted">A new period replaces any it overlaps. Days are UK days.</p>
      </Form>
      {standingInFor.length > 0 ? (
        <>
          <h3>You stand in for</h3>
          <ul className="deputies" data-testid="standing-in-for">
            {standingInFor.map((item) => (
              <li key={item.id}>
                <strong>{item.signatory.name}</strong> {period(item)}
                {item.running ? " (now)" : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
