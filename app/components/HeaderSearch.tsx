import { Form, NavLink, useSearchParams } from "@remix-run/react";

/** The header's link to the portfolio and its search box (a plain GET form to /search). */
export function HeaderSearch() {
  const [params] = useSearchParams();
  return (
    <nav className="header-search" aria-label="Across plans">
      <NavLink to="/portfolio" className="header-search__link">
        Portfolio
      </NavLink>
      <Form method="get" action="/search" role="search" className="header-search__form">
        <label htmlFor="header-search-q" className="visually-hidden">
          Search plans
        </label>
        <input
          id="header-search-q"
          type="search"
          name="q"
          placeholder="Search plans"
          defaultValue={params.get("q") ?? ""}
          maxLength={200}
          data-testid="header-search"
        />
        <button type="submit" className="button small">
          Search
        </button>
      </Form>
    </nav>
  );
}
