// The SSE parser against the standard's edge cases, fed whole and cut anywhere.

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSse, SseParser, type SseMessage } from "../src/sse.js";

function parseAll(text: string): SseMessage[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
}

/** Every way of cutting `text` in two must give the same events. */
function everyCut(text: string): SseMessage[] {
  const whole = parseAll(text);
  for (let cut = 0; cut <= text.length; cut++) {
    const parser = new SseParser();
    const pieces = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut)), ...parser.end()];
    assert.deepEqual(pieces, whole, `cut at ${cut}`);
  }
  return whole;
}

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    yield part;
  }
}

test("an event's name and data, as the node frames them", () => {
  assert.deepEqual(everyCut('event: token\ndata: {"text":"The"}\n\n'), [{ event: "token", data: '{"text":"The"}' }]);
});

test("data lines join with newlines, and only one leading space is dropped", () => {
  assert.deepEqual(everyCut("data: one\ndata:  two\ndata:three\n\n"), [{ event: "message", data: "one\n two\nthree" }]);
});

test("comment lines, keep-alives among them, are ignored", () => {
  assert.deepEqual(everyCut(": keep-alive\n\n: hi\nevent: agent\n: between\ndata: {}\n\n"), [{ event: "agent", data: "{}" }]);
});

test("CRLF, LF and CR all end lines, a CRLF cut between its two bytes too", () => {
  assert.deepEqual(everyCut("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n"), [
    { event: "a", data: "1" },
    { event: "b", data: "2" },
    { event: "message", data: "3" },
  ]);
});

test("an event without data is not dispatched, and its name does not leak into the next", () => {
  assert.deepEqual(everyCut("event: lonely\n\ndata: x\n\n"), [{ event: "message", data: "x" }]);
});

test("an empty data line is data: an event with empty data is dispatched", () => {
  assert.deepEqual(everyCut("data\n\ndata:\ndata:\n\n"), [
    { event: "message", data: "" },
    { event: "message", data: "\n" },
  ]);
});

test("ids carry to later events; retry and unknown fields are ignored", () => {
  assert.deepEqual(everyCut("id: 7\nretry: 10\nfoo: bar\ndata: a\n\ndata: b\n\n"), [
    { event: "message", data: "a", id: "7" },
    { event: "message", data: "b", id: "7" },
  ]);
});

test("an event the stream's end cuts off is dropped; a last CR still ends its line", () => {
  assert.deepEqual(parseAll("data: whole\n\ndata: cut"), [{ event: "message", data: "whole" }]);
  assert.deepEqual(parseAll("data: whole\n\ndata: cut\n"), [{ event: "message", data: "whole" }]);
  assert.deepEqual(parseAll("data: last\r\r"), [{ event: "message", data: "last" }]);
});

test("a byte order mark at the start is skipped", () => {
  assert.deepEqual(parseAll("\uFEFFdata: x\n\n"), [{ event: "message", data: "x" }]);
});

test("UTF-8 split across chunks decodes whole", async () => {
  const bytes = new TextEncoder().encode('event: token\ndata: {"text":"é✓😀"}\n\n');
  const split = bytes.indexOf(0xf0) + 2; // inside the four bytes of the emoji
  const events: SseMessage[] = [];
  for await (const message of parseSse(chunks(bytes.slice(0, split), bytes.slice(split)))) {
    events.push(message);
  }
  assert.deepEqual(events, [{ event: "token", data: '{"text":"é✓😀"}' }]);
});

test("events come out as their chunks arrive, not when the stream ends", async () => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  async function* slow(): AsyncGenerator<Uint8Array> {
    yield new TextEncoder().encode("data: first\n\n");
    await held;
    yield new TextEncoder().encode("data: second\n\n");
  }
  const iterator = parseSse(slow());
  assert.deepEqual((await iterator.next()).value, { event: "message", data: "first" });
  release();
  assert.deepEqual((await iterator.next()).value, { event: "message", data: "second" });
  assert.equal((await iterator.next()).done, true);
});
