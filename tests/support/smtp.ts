import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A real SMTP server for a test: it keeps every message it accepts, parsed. */
export interface TestMailbox {
  readonly url: string;
  readonly messages: ParsedMail[];
  /** Resolves with the first message (already received or still to come) that matches. */
  waitFor(match: (mail: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  /** Refuses the next `count` messages with a 451 (a temporary failure), as a server in trouble does. */
  refuseNext(count: number): void;
  /** Messages refused so far. */
  readonly refused: number;
  close(): Promise<void>;
}

export async function startMailbox(port = 0): Promise<TestMailbox> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  let toRefuse = 0;
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (toRefuse > 0) {
            toRefuse -= 1;
            refused += 1;
            const error = Object.assign(new Error("try again later"), { responseCode: 451 });
            callback(error);
            return;
          }
          messages.push(mail);
          callback();
          for (const wake of [...waiters]) wake();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${bound}`,
    messages,
    get refused() {
      return refused;
    },
    refuseNext(count) {
      toRefuse = count;
    },
    waitFor(match, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching mail within ${timeoutMs} ms (got ${messages.length})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The one address a message was sent to. */
export function recipient(mail: ParsedMail): string | undefined {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address;
}

/** The first link to the app in a message's plain text. */
export function linkIn(mail: ParsedMail, base: string): string {
  const match = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/\\S+`).exec(mail.text ?? "");
  if (!match) throw new Error(`no link to ${base} in:\n${mail.text}`);
  return match[0];
}
