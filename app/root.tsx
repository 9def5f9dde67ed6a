import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { markHydrated } from "~/components/served-markup";
import { useNonce } from "~/utils/nonce";
import styles from "~/styles/index.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/** Pages name themselves; this is the name of an error page, and of any page that does not. */
export const meta: MetaFunction = ({ error }) => [
  {
    title: !error
      ? "Coplan"
      : isRouteErrorResponse(error) && error.status === 404
        ? "Page not found · Coplan"
        : "Sorry, there is a problem · Coplan",
  },
];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* Before anything paints: what only readers without scripts need is hidden from the rest. */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: "document.documentElement.classList.add('js')" }} />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to main content
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useEffect(markHydrated, []);
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message =
    status === 404
      ? "We could not find that page. It may have been removed, or you may not have access to it."
      : isRouteErrorResponse(error)
        ? String(error.data)
        : "Something went wrong on our side. Please try again.";
  return (
    <main className="page narrow" id="main" tabIndex={-1}>
      <p className="eyebrow">Error {status}</p>
      <h1>{status === 404 ? "Page not found" : "Sorry, there is a problem"}</h1>
      <p>{message}</p>
      <p>
        <a href="/plans">Go to your plans</a>
      </p>
    </main>
  );
}
