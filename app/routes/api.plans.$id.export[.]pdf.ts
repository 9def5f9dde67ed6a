import type { LoaderFunctionArgs } from "@remix-run/node";
import { methodNotAllowed } from "~/utils/http.server";
import { planExportResponse } from "~/utils/plan-export.server";

/** The plan as a tagged PDF (see planExportResponse for the options and refusals). */
export const loader = (args: LoaderFunctionArgs) => planExportResponse(args, "pdf");

export const action = methodNotAllowed("use GET to export the plan");
