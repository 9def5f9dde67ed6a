import { Form, Link } from "@remix-run/react";
import { HeaderSearch } from "./HeaderSearch";

export function AppHeader({ user }: { user: { name: string; organisation: string } }) {
  return (
    <header className="app-header">
      <Link to="/plans" className="brand">
        Coplan
      </Link>
      <HeaderSearch />
      <div className="app-header__user">
        <span>
          {user.name} <span className="muted">· {user.organisation}</span>
        </span>
        <Form method="post" action="/logout">
          <button type="submit" className="button link">
            Sign out
          </button>
        </Form>
      </div>
    </header>
  );
}
