import { request, type IncomingMessage } from "node:http";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/test-server";

const PUBLIC = resolve(import.meta.dirname, "../../public");
const EDITOR = "editor@swindon.example";
const server = useTestServer({ users: [EDITOR], demoPlan: true });

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as they came over the wire, before any decoding. */
  body: Buffer;
}

/** A GET through node:http, which (unlike fetch) hands back the body exactly as it was sent. */
function rawGet(path: string, encoding: string): Promise<Raw> {
  return new Promise((done, fail) => {
    const req = request(`${server.url}${path}`, {
      headers: { cookie: server.cookie(EDITOR), "accept-encoding": encoding },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
}

function decoded(response: Raw): Buffer {
  const encoding = response.headers["content-encoding"];
  if (encoding === "gzip") return gunzipSync(response.body);
  if (encoding === "br") return brotliDecompressSync(response.body);
  return response.body;
}

/** The scripts and stylesheets a page links to, from its HTML. */
function assetsOf(html: string): string[] {
  return [...new Set([...html.matchAll(/(?:href|src)="(\/build\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]!))];
}

describe("compressed responses", () => {
  it("every page, script and stylesheet over 1 KiB comes gzipped when asked, smaller than the file, still cached for good", async () => {
    const pages = [`/plans/${server.demoPlanId}`, "/plans", `/plans/${server.demoPlanId}/members`];
    const assets = new Set<string>();
    for (const path of pages) {
      const page = await rawGet(path, "gzip");
      expect(page.status).toBe(200);
      expect(page.headers["content-encoding"]).toBe("gzip");
      const html = decoded(page).toString("utf8");
      expect(page.body.length).toBeLessThan(Buffer.byteLength(html));
      for (const asset of assetsOf(html)) assets.add(asset);
    }
    const large = [...assets].filter((asset) => statSync(resolve(PUBLIC, `.${asset}`)).size > 1024);
    expect(large.some((asset) => asset.endsWith(".css"))).toBe(true);
    expect(large.filter((asset) => asset.endsWith(".js")).length).toBeGreaterThan(5);
    for (const asset of large) {
      const file = statSync(resolve(PUBLIC, `.${asset}`)).size;
      const response = await rawGet(asset, "gzip");
      expect({ asset, encoding: response.headers["content-encoding"] }).toEqual({ asset, encoding: "gzip" });
      expect(response.body.length).toBeLessThan(file);
      expect(decoded(response).length).toBe(file);
      expect(response.headers["cache-control"]).toMatch(/immutable/);
    }
  });

  it("brotli when the request prefers it, for pages, scripts and JSON alike", async () => {
    const page = await rawGet(`/plans/${server.demoPlanId}`, "br, gzip");
    expect(page.headers["content-encoding"]).toBe("br");
    const script = assetsOf(decoded(page).toString("utf8")).find(
      (asset) => asset.endsWith(".js") && statSync(resolve(PUBLIC, `.${asset}`)).size > 1024,
    )!;
    expect((await rawGet(script, "br, gzip")).headers["content-encoding"]).toBe("br");
    const json = await rawGet(`/api/plans/${server.demoPlanId}`, "br, gzip");
    expect(json.headers["content-encoding"]).toBe("br");
    expect(JSON.parse(decoded(json).toString("utf8"))).toMatchObject({ id: server.demoPlanId });
  });

  it("nothing is compressed for a request that does not accept it", async () => {
    const page = await rawGet(`/plans/${server.demoPlanId}`, "identity");
    expect(page.headers["content-encoding"]).toBeUndefined();
    expect(page.body.toString("utf8")).toMatch(/^<!DOCTYPE html>/i);
  });

  it("a server-sent event stream is never compressed, so each event leaves at once", async () => {
    const controller = new AbortController();
    const response = await new Promise<IncomingMessage>((done, fail) => {
      const req = request(`${server.url}/api/notifications/stream`, {
        headers: { cookie: server.cookie(EDITOR), "accept-encoding": "br, gzip" },
        signal: controller.signal,
      });
      req.on("response", done);
      req.on("error", fail);
      req.end();
    });
    expect(response.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(response.headers["content-encoding"]).toBeUndefined();
    let text = "";
    for await (const chunk of response as AsyncIterable<Buffer>) {
      text += chunk.toString("utf8");
      if (/data: .*\n\n/.test(text)) break;
    }
    expect(text).toMatch(/data: \{"unread":\d+/);
    controller.abort();
  });
});
