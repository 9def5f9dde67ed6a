import { Form, Link } from "@remix-run/react";
import { HeaderSearch } from "./HeaderSearch";
import { NotificationBell } from "./NotificationBell";

export function AppHeader({ user }: { user: { name: string; organisation: string; isAdmin?: boolean } }) {
  return (
    <header className="app-header">
      <Link to="/plans" className="brand">
        Coplan
      </Link>
      <HeaderSearch />
      <div className="app-header__user">
        <NotificationBell />
        {user.isAdmin ? <Link to="/admin">Administration</Link> : null}
        <Link to="/account" className="app-header__account">
          {user.name} <span className="muted">· {user.organisation}</span>
        </Link>
        <Form method="post" action="/logout">
          <button type="submit" className="button link">
            Sign out
          </button>
        </Form>
      </div>
    </header>
  );
}
