// Server-sent events parsed as the HTML standard reads `text/event-stream`.

/** One dispatched event. */
export interface SseMessage {
  /** The `event` field; `message` when the event named none. */
  event: string;
  /** The `data` lines joined with `\n`. */
  data: string;
  /** The last `id` field seen, if any. */
  id?: string;
}

/**
 * A push parser: feed it text as it arrives, in pieces cut anywhere, and
 * it returns the events each piece completes. Lines end in CRLF, LF or CR;
 * comment lines (`:` first) are skipped; an event ends at a blank line.
 */
export class SseParser {
  private pending = "";
  private event = "";
  private data: string[] = [];
  private lastId: string | undefined;
  private started = false;

  /** Takes the next piece of text and returns the events it completes. */
  push(text: string): SseMessage[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith("\uFEFF")) {
        text = text.slice(1);
      }
    }
    this.pending += text;
    const messages: SseMessage[] = [];
    let start = 0;
    for (let at = 0; at < this.pending.length; at++) {
      const c = this.pending[at];
      if (c !== "\n" && c !== "\r") {
        continue;
      }
      // A CR at the end of what arrived may be half of a CRLF: wait.
      if (c === "\r" && at + 1 === this.pending.length) {
        break;
      }
      const message = this.line(this.pending.slice(start, at));
      if (message !== undefined) {
        messages.push(message);
      }
      if (c === "\r" && this.pending[at + 1] === "\n") {
        at++;
      }
      start = at + 1;
    }
    this.pending = this.pending.slice(start);
    return messages;
  }

  /**
   * Takes the end of the stream: a last CR ends its line; a line or an
   * event left without its end is dropped, as the standard says.
   */
  end(): SseMessage[] {
    const pending = this.pending;
    this.pending = "";
    if (!pending.endsWith("\r")) {
      return [];
    }
    const message = this.line(pending.slice(0, -1));
    return message === undefined ? [] : [message];
  }

  private line(line: string): SseMessage | undefined {
    if (line === "") {
      return this.dispatch();
    }
    if (line.startsWith(":")) {
      return undefined;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) {
      value = value.slice(1);
    }
    switch (field) {
      case "event":
        this.event = value;
        break;
      case "data":
        this.data.push(value);
        break;
      case "id":
        if (!value.includes("\0")) {
          this.lastId = value;
        }
        break;
      default:
        // `retry` and unknown fields: a client that opens a connection
        // per call never reconnects on its own.
        break;
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const event = this.event;
    const data = this.data;
    this.event = "";
    this.data = [];
    if (data.length === 0) {
      return undefined;
    }
    const message: SseMessage = { event: event === "" ? "message" : event, data: data.join("\n") };
    if (this.lastId !== undefined) {
      message.id = this.lastId;
    }
    return message;
  }
}

/**
 * The events of a byte stream, decoded as UTF-8 across chunk boundaries,
 * taken as they arrive. Ends when the bytes end; an event cut off by the
 * end is not dispatched, as the standard says.
 */
export async function* parseSse(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder("utf-8");
  const parser = new SseParser();
  for await (const chunk of chunks) {
    yield* parser.push(decoder.decode(chunk, { stream: true }));
  }
  yield* parser.push(decoder.decode());
  yield* parser.end();
}
