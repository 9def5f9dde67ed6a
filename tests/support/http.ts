import * as Y from "yjs";
import { sectionFragmentName } from "../../app/shared/doc-names";
import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { connectClient, waitFor, waitForSync } from "./yjs-client";

/** Signs in through the API and returns the Cookie header to send with later requests. */
export async function signIn(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 204) throw new Error(`sign-in of ${email} failed: ${response.status}`);
  const setCookie = response.headers.get("set-cookie");
  if (!setCookie) throw new Error("sign-in returned no cookie");
  return setCookie.split(";")[0]!;
}

export async function getJson<T = unknown>(
  baseUrl: string,
  path: string,
  cookie?: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {} });
  return { status: response.status, body: (await response.json()) as T };
}

export async function demoPlanId(baseUrl: string, cookie: string): Promise<string> {
  const { body } = await getJson<{ id: string }[]>(baseUrl, "/api/plans", cookie);
  const plan = body[0];
  if (!plan) throw new Error("the demo plan is missing");
  return plan.id;
}

/**
 * A request with a session cookie; a string body is sent as it is (to test malformed JSON),
 * anything else as JSON. Answers the status and the parsed body (null when empty).
 */
export async function requestJson(
  baseUrl: string,
  method: string,
  path: string,
  cookie: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** The section's content hash now, as a signatory reads it before signing off. */
export async function contentHashOf(
  baseUrl: string,
  planId: string,
  sectionKey: string,
  cookie: string,
): Promise<string> {
  const { status, body } = await getJson<{ sections: { key: string; contentHash: string }[] }>(
    baseUrl,
    `/api/plans/${planId}`,
    cookie,
  );
  const section = body.sections?.find((candidate) => candidate.key === sectionKey);
  if (status !== 200 || !section) throw new Error(`could not read section ${sectionKey} of plan ${planId}: ${status}`);
  return section.contentHash;
}

/**
 * Signs a section off on its wording now, with the signer's password, as the sign-off dialog
 * does. An empty section cannot be signed, so one the signer may sign gets a line written in
 * first (tests sign sections of fresh plans); `password` may be wrong on purpose.
 */
export async function signOff(
  baseUrl: string,
  planId: string,
  sectionKey: string,
  cookie: string,
  password = DEMO_PASSWORD,
): Promise<{ status: number; body: any }> {
  await writeIfEmpty(baseUrl, planId, sectionKey, cookie);
  const contentHash = await contentHashOf(baseUrl, planId, sectionKey, cookie);
  return requestJson(baseUrl, "POST", `/api/plans/${planId}/sections/${sectionKey}/signoffs`, cookie, {
    contentHash,
    password,
  });
}

/** Writes a paragraph into the section, as the user of `cookie`, if it has nothing written and they may sign it. */
export async function writeIfEmpty(baseUrl: string, planId: string, sectionKey: string, cookie: string): Promise<void> {
  const url = `/api/plans/${planId}/sections/${sectionKey}/signoffs`;
  const isEmpty = async () => {
    const { status, body } = await getJson<{ empty?: boolean; statement?: string | null }>(baseUrl, url, cookie);
    return status === 200 && body.empty === true && Boolean(body.statement);
  };
  if (!(await isEmpty())) return;
  const client = connectClient(baseUrl, planId, cookie);
  try {
    await waitForSync(client);
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("Written so that it can be signed off.")]);
    const fragment = client.doc.getXmlFragment(sectionFragmentName(sectionKey));
    fragment.insert(fragment.length, [paragraph]);
    await waitFor(async () => !(await isEmpty()), 10_000, `words in ${sectionKey}`);
  } finally {
    client.destroy();
  }
}
