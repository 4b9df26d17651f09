// Every method's request and answer, with a scripted transport.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Client } from "../src/client.js";
import {
  ApiError,
  BadGateway,
  BadRequest,
  Conflict,
  ConnectionError,
  Forbidden,
  InsufficientStorage,
  NotFound,
  PayloadTooLarge,
  Timeout,
  Unauthorized,
  Unavailable,
  Unprocessable,
} from "../src/errors.js";
import { percentEncode } from "../src/encoding.js";
import { bodyText, fake, jsonAnswer, type Scripted } from "./support/fake.js";

const TOKEN = `aios_${"ab".repeat(32)}`;

function client(answer: Scripted | ((request: import("../src/transport.js").HttpRequest) => Scripted)) {
  const script = fake(typeof answer === "function" ? answer : () => answer);
  return { api: new Client({ url: "https://node.test:8443", token: TOKEN, transport: script.transport }), script };
}

describe("requests and answers", () => {
  test("health sends no token and reads the status", async () => {
    const health = { status: "ok", version: "0.1.0", uptime_seconds: 12, agents: 2 };
    const { api, script } = client(jsonAnswer(200, health));
    assert.deepEqual(await api.health(), health);
    assert.equal(script.last().method, "GET");
    assert.equal(script.last().path, "/health");
    assert.equal(script.last().headers["authorization"], undefined);
  });

  test("metrics come back as text, with the token", async () => {
    const { api, script } = client({ status: 200, body: "# TYPE up gauge\nup 1\n" });
    assert.equal(await api.metrics(), "# TYPE up gauge\nup 1\n");
    assert.equal(script.last().path, "/metrics");
    assert.equal(script.last().headers["authorization"], `Bearer ${TOKEN}`);
  });

  test("agents lists", async () => {
    const agents = [{ id: 1, name: "supervisor", state: "blocked" }];
    const { api, script } = client(jsonAnswer(200, agents));
    assert.deepEqual(await api.agents(), agents);
    assert.deepEqual([script.last().method, script.last().path], ["GET", "/v1/agents"]);
  });

  test("spawn posts the image's name as JSON", async () => {
    const { api, script } = client(jsonAnswer(201, { id: 3, name: "echo" }));
    assert.deepEqual(await api.spawn("echo"), { id: 3, name: "echo" });
    const request = script.last();
    assert.deepEqual([request.method, request.path], ["POST", "/v1/agents"]);
    assert.equal(request.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(bodyText(request)), { image: "echo" });
  });

  test("kill deletes the agent by id and takes the 204", async () => {
    const { api, script } = client({ status: 204 });
    assert.equal(await api.kill(7), undefined);
    assert.deepEqual([script.last().method, script.last().path, script.last().body], ["DELETE", "/v1/agents/7", undefined]);
  });

  test("deploy posts the image's bytes as they are", async () => {
    const image = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0xff]);
    const { api, script } = client(jsonAnswer(201, { name: "hello", publisher: "dev", size: 5 }));
    assert.deepEqual(await api.deploy(image), { name: "hello", publisher: "dev", size: 5 });
    const request = script.last();
    assert.deepEqual([request.method, request.path], ["POST", "/v1/images"]);
    assert.equal(request.headers["content-type"], "application/octet-stream");
    assert.deepEqual(request.body, image);
  });

  test("images lists, with a refusal's reason when there is one", async () => {
    const images = [
      { name: "echo", source: "bundle", start_at_boot: false },
      { name: "bad", source: "deployed", start_at_boot: false, refused: "signature" },
    ];
    const { api, script } = client(jsonAnswer(200, images));
    assert.deepEqual(await api.images(), images);
    assert.deepEqual([script.last().method, script.last().path], ["GET", "/v1/images"]);
  });

  test("send posts the body to the encoded intent and returns the reply", async () => {
    const { api, script } = client(jsonAnswer(200, { intent: "demo.echo", from: 4, reply: { text: "hi" } }));
    const answer = await api.send<{ text: string }>("demo.echo", { text: "hi" });
    assert.equal(answer.reply.text, "hi");
    assert.equal(answer.from, 4);
    assert.deepEqual([script.last().method, script.last().path], ["POST", "/v1/intents/demo.echo"]);
    assert.deepEqual(JSON.parse(bodyText(script.last())), { text: "hi" });
  });

  test("send passes the node's wait as timeout_ms, and an intent's odd bytes encoded", async () => {
    const { api, script } = client(jsonAnswer(200, { intent: "a b/c", from: 4, reply: null }));
    await api.send("a b/c", {}, { timeoutMs: 2500 });
    assert.equal(script.last().path, "/v1/intents/a%20b%2Fc?timeout_ms=2500");
  });

  test("remember posts the text and tags; without tags, no tags member", async () => {
    const { api, script } = client(jsonAnswer(201, { key: "m0123456789abcdef" }));
    assert.deepEqual(await api.remember("the cat sat", ["pets"]), { key: "m0123456789abcdef" });
    assert.deepEqual([script.last().method, script.last().path], ["POST", "/v1/memory"]);
    assert.deepEqual(JSON.parse(bodyText(script.last())), { text: "the cat sat", tags: ["pets"] });
    await api.remember("plain");
    assert.deepEqual(JSON.parse(bodyText(script.last())), { text: "plain" });
  });

  test("recall sends the query encoded, k when given", async () => {
    const found = [{ key: "m1", score: 0.5, text: "the cat sat", tags: [] }];
    const { api, script } = client(jsonAnswer(200, found));
    assert.deepEqual(await api.recall("where's the cat? 100% & +", 3), found);
    assert.equal(script.last().path, "/v1/memory?q=where%27s%20the%20cat%3F%20100%25%20%26%20%2B&k=3");
    await api.recall("cat");
    assert.equal(script.last().path, "/v1/memory?q=cat");
  });

  test("auditExport pages with from and limit; auditVerify reads the check", async () => {
    const page = { first_seq: 0, next_seq: 2, public_key: "ab", records: [], checkpoints: [] };
    const { api, script } = client((request) =>
      request.path.startsWith("/v1/audit/verify")
        ? jsonAnswer(200, { ok: false, records: 3, checked_from: 0, problem: "record 2's hash" })
        : jsonAnswer(200, page),
    );
    assert.deepEqual(await api.auditExport({ from: 100, limit: 5 }), page);
    assert.equal(script.last().path, "/v1/audit?from=100&limit=5");
    await api.auditExport();
    assert.equal(script.last().path, "/v1/audit");
    assert.deepEqual(await api.auditVerify(), { ok: false, records: 3, checked_from: 0, problem: "record 2's hash" });
    assert.equal(script.last().path, "/v1/audit/verify");
  });
});

describe("the store", () => {
  test("keys and namespaces are percent-encoded byte by byte, a slash staying in the key", async () => {
    const { api, script } = client(jsonAnswer(201, { namespace: "ns", key: "a/b c", size: 1 }));
    await api.storePut("my ns", "a/b c+d%é?#.~", "x");
    assert.equal(script.last().path, "/v1/store/my%20ns/a%2Fb%20c%2Bd%25%C3%A9%3F%23.~");
  });

  test("put sends text as UTF-8 text/plain, bytes as octets, and says whether it created", async () => {
    const { api, script } = client((request) => jsonAnswer(request.headers["content-type"] === "image/png" ? 200 : 201, { namespace: "ns", key: "k", size: 2 }));
    assert.deepEqual(await api.storePut("ns", "k", "é"), { namespace: "ns", key: "k", size: 2, created: true });
    assert.equal(script.last().method, "PUT");
    assert.equal(script.last().headers["content-type"], "text/plain; charset=utf-8");
    assert.deepEqual(script.last().body, new Uint8Array([0xc3, 0xa9]));
    await api.storePut("ns", "k", new Uint8Array([1, 2]));
    assert.equal(script.last().headers["content-type"], "application/octet-stream");
    const replaced = await api.storePut("ns", "k", new Uint8Array([1, 2]), "image/png");
    assert.equal(replaced.created, false);
    assert.equal(script.last().headers["content-type"], "image/png");
  });

  test("get returns the bytes, the content type and the ETag's version", async () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    const { api, script } = client({ status: 200, headers: { "content-type": "application/x-thing", etag: '"12"' }, body: bytes });
    assert.deepEqual(await api.storeGet("ns", "a/b"), { bytes, contentType: "application/x-thing", version: 12 });
    assert.deepEqual([script.last().method, script.last().path], ["GET", "/v1/store/ns/a%2Fb"]);
  });

  test("list pages with prefix, after and limit, all encoded", async () => {
    const listing = { objects: [{ key: "a b", size: 1, content_type: "text/plain", version: 1, modified_ns: 5 }], more: true };
    const { api, script } = client(jsonAnswer(200, listing));
    assert.deepEqual(await api.storeList("ns", { prefix: "a b", after: "a+", limit: 10 }), listing);
    assert.equal(script.last().path, "/v1/store/ns?prefix=a%20b&after=a%2B&limit=10");
  });
});

describe("errors", () => {
  const cases: [number, new (status: number, message: string) => ApiError][] = [
    [400, BadRequest],
    [401, Unauthorized],
    [403, Forbidden],
    [404, NotFound],
    [408, Timeout],
    [409, Conflict],
    [413, PayloadTooLarge],
    [422, Unprocessable],
    [502, BadGateway],
    [503, Unavailable],
    [504, Timeout],
    [507, InsufficientStorage],
  ];
  for (const [status, ErrorClass] of cases) {
    test(`${status} is ${ErrorClass.name}, with the node's message`, async () => {
      const { api } = client(jsonAnswer(status, { error: `refused with ${status}` }));
      await assert.rejects(api.agents(), (error: unknown) => {
        assert.ok(error instanceof ErrorClass);
        assert.ok(error instanceof ApiError);
        assert.equal(error.status, status);
        assert.equal(error.message, `refused with ${status}`);
        assert.equal(error.name, ErrorClass.name);
        return true;
      });
    });
  }

  test("a status without a class of its own is an ApiError; a body that is not JSON is its message", async () => {
    const { api } = client({ status: 418, body: "short and stout\n" });
    await assert.rejects(api.agents(), (error: unknown) => error instanceof ApiError && error.constructor === ApiError && error.status === 418 && error.message === "short and stout");
    const empty = client({ status: 500 });
    await assert.rejects(empty.api.agents(), (error: unknown) => error instanceof ApiError && error.message === "HTTP 500");
  });

  test("a 200 whose body is not JSON is an error, not undefined", async () => {
    const { api } = client({ status: 200, body: "<html>" });
    await assert.rejects(api.agents(), (error: unknown) => error instanceof ApiError && /not JSON/.test(error.message));
  });

  test("no answer within timeoutMs is a ConnectionError, and the request is aborted", async () => {
    let seen: AbortSignal | undefined;
    const api = new Client({
      url: "https://node.test",
      timeoutMs: 50,
      transport: (request) => {
        seen = request.signal;
        return new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));
      },
    });
    await assert.rejects(api.agents(), (error: unknown) => error instanceof ConnectionError && /within 50 ms/.test(error.message));
    assert.equal(seen?.aborted, true);
  });

  test("send waits past the client's timeout when the node is told to wait longer", async () => {
    let deadlineHit = false;
    const api = new Client({
      url: "https://node.test",
      timeoutMs: 20,
      transport: (request) =>
        new Promise((resolve) => {
          request.signal.addEventListener("abort", () => {
            deadlineHit = true;
          });
          setTimeout(() => resolve({ status: 200, headers: {}, body: (async function* () { yield new TextEncoder().encode('{"intent":"x","from":1,"reply":1}'); })() }), 60);
        }),
    });
    assert.equal((await api.send("x", {}, { timeoutMs: 100 })).reply, 1);
    assert.equal(deadlineHit, false);
  });
});

describe("percent-encoding", () => {
  test("only RFC 3986's unreserved bytes stay as they are", () => {
    assert.equal(percentEncode("AZaz09-._~"), "AZaz09-._~");
    assert.equal(percentEncode("!'()* /+?#&=%"), "%21%27%28%29%2A%20%2F%2B%3F%23%26%3D%25");
    assert.equal(percentEncode("é😀"), "%C3%A9%F0%9F%98%80");
  });
});
