import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AppHeader } from "~/components/AppHeader";
import { isRefusal } from "~/shared/errors";
import { requireUser } from "~/utils/auth.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.query ? `“${data.query}” · Search · Coplan` : "Search · Coplan" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const query = new URL(request.url).searchParams.get("q") ?? "";
  if (query.trim() === "") return { user, query, results: [], problem: null };
  try {
    return { user, query, results: await context.search.search(user, query), problem: null };
  } catch (error) {
    if (isRefusal(error)) return { user, query, results: [], problem: error.message.replace(/^q: /, "") };
    throw error;
  }
}

/** Where a result opens: the section, with the words to highlight in its editor. */
function resultLink(planId: string, sectionKey: string | null, query: string): string {
  const search = new URLSearchParams({ q: query });
  return `/plans/${planId}?${search}${sectionKey ? `#section-${sectionKey}` : ""}`;
}

export default function Search() {
  const { user, query, results, problem } = useLoaderData<typeof loader>();
  return (
    <>
      <AppHeader user={user} />
      <main id="main" tabIndex={-1} className="page">
        <h1>Search</h1>
        {problem ? (
          <p role="alert">Cannot search for that: {problem}.</p>
        ) : query.trim() === "" ? (
          <p className="lede">
            Type words in the search box to find them in the titles, narratives and tables of your plans.
          </p>
        ) : (
          <p className="lede" role="status">
            {results.length === 0 ? "Nothing" : results.length === 1 ? "One result" : `${results.length} results`} for “
            {query}” in the plans you can read.
          </p>
        )}
        <ol className="search-results" data-testid="search-results">
          {results.map((result) => (
            <li key={`${result.planId}:${result.sectionKey ?? ""}`}>
              <h2>
                <Link to={resultLink(result.planId, result.sectionKey, query)}>
                  {result.sectionTitle ? `${result.sectionTitle} — ${result.planTitle}` : result.planTitle}
                </Link>
              </h2>
              {/* The snippet is escaped on the server; only its <mark> tags are markup. */}
              <p dangerouslySetInnerHTML={{ __html: result.snippet }} />
            </li>
          ))}
        </ol>
      </main>
    </>
  );
}
