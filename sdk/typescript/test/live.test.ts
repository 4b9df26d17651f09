// Against a live node, when AIOS_URL, AIOS_CA and AIOS_TOKEN say where it is.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { Client } from "../src/client.js";
import { Conflict, Forbidden, NotFound, Unauthorized } from "../src/errors.js";
import { parseMetrics } from "../src/metrics.js";

const url = process.env["AIOS_URL"];
const caPath = process.env["AIOS_CA"];
const token = process.env["AIOS_TOKEN"];
const missing = [["AIOS_URL", url], ["AIOS_CA", caPath], ["AIOS_TOKEN", token]].filter(([, value]) => !value).map(([name]) => name);
const skip = missing.length > 0 ? `no live node: set ${missing.join(", ")} (the node's URL, its CA's PEM file, a token with every scope)` : false;

/** A client of the live node; only called when nothing is missing. */
function connect(options: { token?: string } = {}): Client {
  return new Client({ url: url ?? "", token: options.token ?? token ?? "", ca: readFileSync(caPath ?? ""), timeoutMs: 20_000 });
}

/** A text no earlier run wrote, so a test finds its own data. */
const run = `${Date.now().toString(36)}-${process.pid}`;

describe("live node", { skip, timeout: 90_000 }, () => {
  test("health", async () => {
    const health = await connect().health();
    assert.equal(health.status, "ok");
    assert.ok(health.agents >= 1);
  });

  test("metrics parse, with the node's uptime a gauge", async () => {
    const families = parseMetrics(await connect().metrics());
    const uptime = families.find((family) => family.name === "aios_uptime_seconds");
    assert.equal(uptime?.type, "gauge");
    assert.ok((uptime?.samples[0]?.value ?? -1) >= 0);
  });

  test("an agent spawned, listed, sent to, killed, and refused a second kill", async () => {
    const api = connect();
    const echo = await api.spawn("echo");
    try {
      assert.equal(echo.name, "echo");
      assert.ok((await api.agents()).some((agent) => agent.id === echo.id && agent.name === "echo"));
      const answer = await api.send<{ text: string }>("demo.echo", { text: `hello ${run}` });
      assert.deepEqual([answer.intent, answer.reply], ["demo.echo", { text: `hello ${run}` }]);
    } finally {
      await api.kill(echo.id);
    }
    let state = "";
    for (let tries = 0; tries < 40 && state !== "killed"; tries++) {
      state = (await api.agents()).find((agent) => agent.id === echo.id)?.state ?? "";
      if (state !== "killed") {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    assert.equal(state, "killed");
    await assert.rejects(api.kill(echo.id), Conflict);
  });

  test("events carry a spawned agent's start and end", async () => {
    // hello logs a line and exits on its own. Two categories, so the
    // list's comma reaches the node as the node reads it.
    const api = connect();
    const events = await api.events({ categories: ["agent", "ipc"] });
    const seen: string[] = [];
    try {
      const hello = await api.spawn("hello");
      for await (const event of events) {
        assert.ok(event.category === "agent" || event.category === "ipc", event.category);
        if (event.category === "agent" && event.agent === hello.id) {
          seen.push(event.state);
          if (event.state !== "runnable") {
            break;
          }
        }
      }
    } finally {
      events.close();
    }
    assert.deepEqual(seen, ["runnable", "exited"]);
  });

  test("a store object round-trips under a key that needs percent-encoding", async () => {
    const api = connect();
    const namespace = "sdk-ts-test";
    const key = `dir/a b+c%d?e#f é ${run}`;
    const bytes = new Uint8Array([0, 1, 2, 0xfe, 0xff]);
    const written = await api.storePut(namespace, key, bytes, "application/x-sdk-test");
    assert.deepEqual(written, { namespace, key, size: 5, created: true });
    const read = await api.storeGet(namespace, key);
    assert.deepEqual([read.bytes, read.contentType, read.version], [bytes, "application/x-sdk-test", 1]);
    const replaced = await api.storePut(namespace, key, "now text");
    assert.equal(replaced.created, false);
    assert.equal(new TextDecoder().decode((await api.storeGet(namespace, key)).bytes), "now text");
    const listing = await api.storeList(namespace, { prefix: `dir/a b+c%d?e#f é ${run}` });
    assert.deepEqual(listing.objects.map((object) => [object.key, object.version]), [[key, 2]]);
    await assert.rejects(api.storeGet(namespace, `${key} missing`), NotFound);
    await assert.rejects(api.storeGet("aios.audit", "anything"), Forbidden);
  });

  test("audit export pages and the node's check passes", async () => {
    const api = connect();
    const page = await api.auditExport({ limit: 3 });
    assert.ok(page.records.length >= 1 && page.records.length <= 3);
    for (const record of page.records) {
      assert.match(record.hash, /^[0-9a-f]{64}$/);
    }
    const last = page.records.at(-1);
    assert.ok(last !== undefined);
    const next = await api.auditExport({ from: last.seq + 1, limit: 1 });
    assert.equal(next.records[0]?.prev_hash, last.hash);
    const check = await api.auditVerify();
    assert.equal(check.ok, true, check.problem);
  });

  test("a text remembered is recalled first by its meaning", async () => {
    const api = connect();
    const text = `the lighthouse keeper ${run} paints the lamp room blue`;
    const { key } = await api.remember(text, ["sdk-ts"]);
    const found = await api.recall(`what colour is the lamp room of keeper ${run}?`, 3);
    assert.deepEqual([found[0]?.key, found[0]?.text, found[0]?.tags], [key, text, ["sdk-ts"]]);
  });

  test("ask streams a few tokens, then done", async () => {
    const answer = await connect().ask("Say hello.", { maxTokens: 2 });
    const tokens: string[] = [];
    for await (const token of answer) {
      tokens.push(token);
    }
    assert.ok(tokens.length >= 1 && tokens.join("").length > 0);
    assert.ok(answer.done !== undefined && ["length", "end_of_turn"].includes(answer.done.finish));
    assert.ok(answer.done.generated >= 1 && answer.done.generated <= 2);
  });

  test("images list the bundle's echo", async (t) => {
    try {
      const images = await connect().images();
      assert.ok(images.some((image) => image.name === "echo" && image.source === "bundle"));
    } catch (error) {
      if (error instanceof NotFound && error.message === "no such route") {
        t.skip("this node has no GET /v1/images yet");
        return;
      }
      throw error;
    }
  });

  test("a bad token is Unauthorized; an unknown intent, NotFound", async () => {
    await assert.rejects(connect({ token: `aios_${"0".repeat(64)}` }).agents(), Unauthorized);
    await assert.rejects(connect().send(`sdk.nobody.${run}`, {}), NotFound);
  });
});
