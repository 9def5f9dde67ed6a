import { connect, type Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/test-server";

const server = useTestServer();

// The waits below are the subject of the test (a client's lag, its idle time), not ordering.

/** Reads one whole HTTP response (a Content-Length body) from a kept-alive socket. */
function readResponse(socket: Socket): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed || socket.readableEnded) return reject(new Error("other side closed"));
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = received.subarray(0, end).toString("latin1");
      const rest = received.subarray(end + 4);
      if (/transfer-encoding: chunked/i.test(head)) {
        if (!rest.toString("latin1").endsWith("0\r\n\r\n")) return;
        done();
        resolve({ head, body: unchunk(rest.toString("utf8")) });
        return;
      }
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (rest.length < length) return;
      done();
      resolve({ head, body: rest.subarray(0, length).toString("utf8") });
    };
    const onClose = () => {
      done();
      reject(new Error("other side closed"));
    };
    const done = () => {
      socket.off("data", onData);
      socket.off("end", onClose);
      socket.off("close", onClose);
    };
    socket.on("data", onData);
    socket.on("end", onClose);
    socket.on("close", onClose);
  });
}

function unchunk(text: string): string {
  let body = "";
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf("\r\n", at);
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (!size) return body;
    body += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

const HEALTH = "GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n";

describe("keep-alive", () => {
  it("a client that reuses its connection within the advertised timeout, counted from when it read the answer, is answered", async () => {
    const socket = connect(server.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    try {
      // A busy client reads the answer a while after the server sent it: a test that reads a
      // large body only when it gets to it, two test files and the server on two cores. The
      // server counts the idle time from when it finished writing; the client, from when it
      // finished reading. undici reuses a socket until 2 s before the advertised timeout.
      const first = readResponse(socket);
      socket.pause();
      socket.write(HEALTH);
      await delay(4000);
      socket.resume();
      const { head } = await first;
      expect(head).toMatch(/^HTTP\/1\.1 200/);
      const advertisedSeconds = Number(/keep-alive: timeout=(\d+)/i.exec(head)?.[1]);
      expect(advertisedSeconds).toBeGreaterThan(0);

      // It then reuses the connection half a second before the advertised timeout runs out.
      await delay(advertisedSeconds * 1000 - 500);
      const second = readResponse(socket);
      socket.write(HEALTH);
      const { head: secondHead, body } = await second;
      expect(secondHead).toMatch(/^HTTP\/1\.1 200/);
      expect(JSON.parse(body)).toEqual({ ok: true });
    } finally {
      socket.destroy();
    }
  });
});
