// ask and events through the client: read as they arrive, ended and cancelled cleanly.

import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "../src/client.js";
import { ConnectionError, StreamError, Unavailable } from "../src/errors.js";
import type { HttpRequest } from "../src/transport.js";
import { bodyText, jsonAnswer, OpenStream, fake } from "./support/fake.js";

/** A client whose one request gets a 200 event stream the test feeds. */
function streaming() {
  let request: HttpRequest | undefined;
  const stream = new OpenStream(() => {
    if (request === undefined) {
      throw new Error("the stream was read before it was asked for");
    }
    return request.signal;
  });
  const api = new Client({
    url: "https://node.test",
    token: "t",
    timeoutMs: 1000,
    transport: async (sent) => {
      request = sent;
      return { status: 200, headers: { "content-type": "text/event-stream" }, body: stream };
    },
  });
  return { api, stream, request: () => request };
}

test("ask posts the question and yields each token as it arrives, then holds done", async () => {
  const { api, stream, request } = streaming();
  const answer = await api.ask("What is the capital of France?", { maxTokens: 12, temperature: 0.5, conversation: "trip" });
  const sent = request();
  assert.deepEqual([sent?.method, sent?.path], ["POST", "/v1/ask"]);
  assert.deepEqual(JSON.parse(bodyText(sent as HttpRequest)), {
    prompt: "What is the capital of France?",
    max_tokens: 12,
    temperature: 0.5,
    conversation: "trip",
  });
  const tokens = answer[Symbol.asyncIterator]();
  stream.send(': keep-alive\n\nevent: token\ndata: {"text":"The"}\n\n');
  assert.deepEqual(await tokens.next(), { done: false, value: "The" });
  stream.send('event: token\ndata: {"text":" capital"}\n\nevent: done\ndata: {"finish":"length","generated":2,"prompt_tokens":36}\n\n');
  assert.deepEqual(await tokens.next(), { done: false, value: " capital" });
  assert.equal(answer.done, undefined);
  assert.equal((await tokens.next()).done, true);
  assert.deepEqual(answer.done, { finish: "length", generated: 2, prompt_tokens: 36 });
  assert.equal(stream.closed, true, "the connection is closed once done");
});

test("ask leaves unset options out of the question", async () => {
  const { api, stream, request } = streaming();
  const answer = await api.ask("hi");
  assert.deepEqual(JSON.parse(bodyText(request() as HttpRequest)), { prompt: "hi" });
  stream.send('event: done\ndata: {"finish":"end_of_turn","generated":0,"prompt_tokens":3}\n\n');
  assert.equal(await answer.text(), "");
});

test("text() gathers the whole answer", async () => {
  const { api, stream } = streaming();
  const answer = await api.ask("hi");
  stream.send('event: token\ndata: {"text":"Par"}\n\nevent: token\ndata: {"text":"is"}\n\n');
  stream.send('event: done\ndata: {"finish":"end_of_turn","generated":2,"prompt_tokens":3}\n\n');
  assert.equal(await answer.text(), "Paris");
  assert.equal(answer.done?.finish, "end_of_turn");
});

test("an error event is a StreamError with the node's message", async () => {
  const { api, stream } = streaming();
  const answer = await api.ask("hi");
  stream.send('event: error\ndata: {"error":"the engine failed"}\n\n');
  await assert.rejects(answer.text(), (error: unknown) => error instanceof StreamError && error.message === "the engine failed");
});

test("an answer cut off before done is a ConnectionError", async () => {
  const { api, stream } = streaming();
  const answer = await api.ask("hi");
  stream.send('event: token\ndata: {"text":"Pa"}\n\n');
  stream.end();
  await assert.rejects(answer.text(), (error: unknown) => error instanceof ConnectionError && /before its done/.test(error.message));
});

test("leaving the loop early closes the connection", async () => {
  const { api, stream } = streaming();
  const answer = await api.ask("hi");
  stream.send('event: token\ndata: {"text":"one"}\n\nevent: token\ndata: {"text":"two"}\n\n');
  for await (const token of answer) {
    assert.equal(token, "one");
    break;
  }
  assert.equal(stream.closed, true);
});

test("a refused question throws before any token, with its status's error", async () => {
  const script = fake(() => jsonAnswer(503, { error: "8 questions already wait" }));
  const api = new Client({ url: "https://node.test", token: "t", transport: script.transport });
  await assert.rejects(api.ask("hi"), (error: unknown) => error instanceof Unavailable && error.message === "8 questions already wait");
});

test("events asks for the filter and yields typed events as they come, across chunks", async () => {
  const { api, stream, request } = streaming();
  const events = await api.events({ categories: ["agent", "ipc"], agent: 4 });
  assert.deepEqual([request()?.method, request()?.path], ["GET", "/v1/events?categories=agent,ipc&agent=4"]);
  const iterator = events[Symbol.asyncIterator]();
  stream.send('event: agent\ndata: {"seq":4,"time_ns":1,"category":"agent",');
  stream.send('"agent":4,"state":"runnable"}\n\n: keep-alive\n\n');
  const first = await iterator.next();
  assert.deepEqual(first.value, { seq: 4, time_ns: 1, category: "agent", agent: 4, state: "runnable" });
  stream.send('event: ipc\ndata: {"seq":5,"time_ns":2,"category":"ipc","from":0,"to":4,"intent":"demo.echo","outcome":"delivered"}\n\n');
  const second = await iterator.next();
  assert.equal(second.done, false);
  if (second.value.category === "ipc") {
    assert.equal(second.value.intent, "demo.echo");
  } else {
    assert.fail(`expected an ipc event, got ${second.value.category}`);
  }
  events.close();
  assert.equal(stream.closed, true);
});

test("closing the stream ends a loop that waits on it, without an error", async () => {
  const { api, stream } = streaming();
  const events = await api.events();
  const seen: number[] = [];
  const loop = (async () => {
    for await (const event of events) {
      seen.push(event.seq);
    }
  })();
  stream.send('event: agent\ndata: {"seq":1,"time_ns":1,"category":"agent","agent":3,"state":"runnable"}\n\n');
  await new Promise((resolve) => setTimeout(resolve, 10));
  events.close();
  await loop;
  assert.deepEqual(seen, [1]);
  assert.equal(stream.closed, true);
});

test("the caller's AbortSignal closes an event stream", async () => {
  const { api, stream } = streaming();
  const controller = new AbortController();
  const events = await api.events({ signal: controller.signal });
  const loop = (async () => {
    for await (const event of events) {
      assert.fail(`no event was sent, got ${event.seq}`);
    }
  })();
  controller.abort(new Error("enough"));
  await assert.rejects(loop, /enough/);
  assert.equal(stream.closed, true);
});

test("a stream the node ends is a ConnectionError", async () => {
  const { api, stream } = streaming();
  const events = await api.events();
  stream.end();
  await assert.rejects(
    (async () => {
      for await (const event of events) {
        assert.fail(`no event was sent, got ${event.seq}`);
      }
    })(),
    ConnectionError,
  );
});

test("a stream's head that does not come in time is a ConnectionError", async () => {
  const api = new Client({
    url: "https://node.test",
    timeoutMs: 30,
    transport: (request) => new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason))),
  });
  await assert.rejects(api.events(), ConnectionError);
});

test("once open, a stream outlives the client's timeout", async () => {
  let request: HttpRequest | undefined;
  const stream = new OpenStream(() => request?.signal as AbortSignal);
  const api = new Client({
    url: "https://node.test",
    timeoutMs: 20,
    transport: async (sent) => {
      request = sent;
      return { status: 200, headers: {}, body: stream };
    },
  });
  const events = await api.events();
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(request?.signal.aborted, false);
  events.close();
});
