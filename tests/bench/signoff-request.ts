import { hashPassword, verifyPassword } from "../../server/auth/passwords.server";
import { DEMO_PASSWORD } from "../../server/ops/demo-seed.server";
import { signIn } from "../support/http";
import type { BenchServer } from "./servers";

const SECTION = "governance";

/**
 * A sign-off request as the dialog sends it (`{contentHash, password}`), timed from sending to
 * the 201, then revoked (untimed) so the next round signs again; beside it, the same route's
 * GET (everything but the signing) and argon2id's verify alone in this process, so the
 * password check's share can be read off.
 */
export async function measureSignoffRequest(server: BenchServer, rounds: number) {
  const cookie = await signIn(server.httpUrl!, "signatory@swindon.example");
  const url = `${server.httpUrl}/api/plans/${server.room}/sections/${SECTION}/signoffs`;
  const read: number[] = [];
  const sign: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    const reading = await fetch(url, { headers: { cookie } });
    const { contentHash } = (await reading.json()) as { contentHash: string };
    read.push(performance.now() - start);
    start = performance.now();
    const signed = await fetch(url, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ contentHash, password: DEMO_PASSWORD }),
    });
    await signed.arrayBuffer();
    sign.push(performance.now() - start);
    if (signed.status !== 201) throw new Error(`sign-off failed: ${signed.status}`);
    const revoked = await fetch(url, { method: "DELETE", headers: { cookie } });
    if (revoked.status !== 204) throw new Error(`revoking the sign-off failed: ${revoked.status}`);
  }
  const hash = await hashPassword(DEMO_PASSWORD);
  const verify: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    if (!(await verifyPassword(hash, DEMO_PASSWORD))) throw new Error("argon2 verify failed");
    verify.push(performance.now() - start);
  }
  return { sign, read, verify };
}
