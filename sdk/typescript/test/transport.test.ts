// The node:https transport against a local TLS server: the CA trusted, one connection per request.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { Client } from "../src/client.js";
import { ConnectionError, Forbidden } from "../src/errors.js";

// A test CA and a certificate it signed for 127.0.0.1, made once with
// openssl for these tests only (valid until 2125).
const fixture = (name: string): Buffer => readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url));
const ca = fixture("ca.pem");

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;
let handler: Handler = (_request, _body, response) => response.end();
let server: Server;
let url = "";

before(async () => {
  server = createServer({ cert: fixture("node.pem"), key: fixture("node.key") }, (request, response) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => handler(request, Buffer.concat(parts), response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.close();
});

test("a request reaches a server the CA vouches for, with its token, length and Connection: close", async () => {
  let seen: { method?: string; url?: string; headers?: IncomingMessage["headers"]; body?: string } = {};
  handler = (request, body, response) => {
    seen = { method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: body.toString() };
    response.writeHead(201, { "content-type": "application/json" }).end('{"id":9,"name":"echo"}');
  };
  const api = new Client({ url, token: "aios_t", ca });
  assert.deepEqual(await api.spawn("echo"), { id: 9, name: "echo" });
  assert.equal(seen.method, "POST");
  assert.equal(seen.url, "/v1/agents");
  assert.equal(seen.headers?.["authorization"], "Bearer aios_t");
  assert.equal(seen.headers?.["connection"], "close");
  assert.equal(seen.headers?.["content-length"], String('{"image":"echo"}'.length));
  assert.equal(seen.headers?.["transfer-encoding"], undefined);
  assert.equal(seen.body, '{"image":"echo"}');
});

test("a refusal's status and JSON come through as its error", async () => {
  handler = (_request, _body, response) => {
    response.writeHead(403, { "content-type": "application/json" }).end('{"error":"denied by policy line 3"}');
  };
  await assert.rejects(new Client({ url, token: "t", ca }).agents(), (error: unknown) => error instanceof Forbidden && error.message === "denied by policy line 3");
});

test("without the CA the certificate is not trusted, and nothing is sent", async () => {
  let reached = false;
  handler = (_request, _body, response) => {
    reached = true;
    response.end("{}");
  };
  await assert.rejects(new Client({ url, token: "t" }).agents(), (error: unknown) => error instanceof ConnectionError && /certificate/i.test(error.message));
  assert.equal(reached, false);
});

test("a stream arrives piece by piece, and leaving it closes the connection", { timeout: 5000 }, async () => {
  let closed: Promise<void> = Promise.resolve();
  handler = (request, _body, response) => {
    closed = new Promise((resolve) => request.socket.on("close", () => resolve()));
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.write('event: agent\ndata: {"seq":1,"time_ns":5,"category":"agent","agent":3,"state":"runnable"}\n\n');
  };
  const events = await new Client({ url, token: "t", ca }).events();
  for await (const event of events) {
    assert.equal(event.seq, 1);
    break;
  }
  await closed;
});

test("a URL that is not https is refused at once", () => {
  assert.throws(() => new Client({ url: "http://127.0.0.1:1" }), TypeError);
});
