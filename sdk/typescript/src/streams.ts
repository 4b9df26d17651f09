// The node's two streams, read as they arrive: an answer's tokens and the event bus.

import type { Opened } from "./call.js";
import { ConnectionError, StreamError, refusalText } from "./errors.js";
import type { NodeEvent } from "./events.js";
import { parseSse, type SseMessage } from "./sse.js";
import type { AskDone } from "./types.js";

/**
 * The model's answer to `POST /v1/ask`: iterate it (once) for the text of
 * each token as it is generated; {@link done} then holds the summary.
 * Leaving the loop early closes the connection, and the node cancels the
 * answer.
 */
export class Answer implements AsyncIterable<string> {
  /** The `done` event, once the answer has ended. */
  done: AskDone | undefined;
  private closed = false;
  private readonly messages: AsyncGenerator<SseMessage>;

  constructor(private readonly stream: Opened) {
    this.messages = parseSse(stream.response.body);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    try {
      for await (const message of this.messages) {
        switch (message.event) {
          case "token":
            yield (JSON.parse(message.data) as { text: string }).text;
            break;
          case "done":
            this.done = JSON.parse(message.data) as AskDone;
            return;
          case "error":
            throw new StreamError(refusalText(message.data));
          default:
            // An event this client does not know yet: not part of the text.
            break;
        }
      }
      if (!this.closed) {
        throw new ConnectionError("the answer ended before its done event");
      }
    } catch (error) {
      if (!this.closed) {
        throw error;
      }
    } finally {
      this.close();
    }
  }

  /** Reads the whole answer and returns its text. */
  async text(): Promise<string> {
    let text = "";
    for await (const token of this) {
      text += token;
    }
    return text;
  }

  /** Stops the answer: the connection closes, the node cancels it, and a loop waiting on it finishes. */
  close(): void {
    this.closed = true;
    this.stream.close();
  }
}

/**
 * `GET /v1/events`: the node's events as they happen, until {@link close}
 * or leaving the loop, either of which closes the connection (the node
 * then drops the subscription). Iterate it once.
 */
export class EventStream implements AsyncIterable<NodeEvent> {
  private closed = false;
  private readonly messages: AsyncGenerator<SseMessage>;

  constructor(private readonly stream: Opened) {
    this.messages = parseSse(stream.response.body);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<NodeEvent> {
    try {
      for await (const message of this.messages) {
        if (message.event === "error") {
          throw new StreamError(refusalText(message.data));
        }
        yield JSON.parse(message.data) as NodeEvent;
      }
      if (!this.closed) {
        throw new ConnectionError("the node ended the event stream");
      }
    } catch (error) {
      if (!this.closed) {
        throw error;
      }
    } finally {
      this.close();
    }
  }

  /** Ends the stream: a loop waiting on it finishes without an error. */
  close(): void {
    this.closed = true;
    this.stream.close();
  }
}

