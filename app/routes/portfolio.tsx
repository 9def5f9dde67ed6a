import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AppHeader } from "~/components/AppHeader";
import { PortfolioTable } from "~/components/PortfolioTable";
import { requireUser } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Portfolio · Coplan" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  return { user, rows: await context.portfolio.list(user) };
}

export default function Portfolio() {
  const { user, rows } = useLoaderData<typeof loader>();
  return (
    <>
      <AppHeader user={user} />
      <main id="main" tabIndex={-1} className="page portfolio">
        <h1>Portfolio</h1>
        <p className="lede">
          Every plan you belong to, with its sign-off, stale and returned sections, open comments, overdue milestones,
          overdue sign-offs and open suggestions. Open a row to see each section&rsquo;s sign-off by side. Changes made
          on a plan show here as they happen.
        </p>
        <PortfolioTable rows={rows} />
      </main>
    </>
  );
}
