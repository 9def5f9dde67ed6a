import type { LoaderFunctionArgs } from "@remix-run/node";
import { methodNotAllowed } from "~/utils/http.server";
import { planExportResponse } from "~/utils/plan-export.server";

/** The plan as a Word document (see planExportResponse for the options and refusals). */
export const loader = (args: LoaderFunctionArgs) => planExportResponse(args, "docx");

export const action = methodNotAllowed("use GET to export the plan");
