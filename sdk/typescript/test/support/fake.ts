// A transport the tests script: it records each request and answers as told.

import type { HttpRequest, HttpResponse, Transport } from "../../src/transport.js";

/** An answer to give: a status, headers, and a body whole or in chunks. */
export interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array | AsyncIterable<Uint8Array>;
}

/** The fake and what it was asked. */
export interface Fake {
  transport: Transport;
  requests: HttpRequest[];
  /** The last request, or a failure if there was none. */
  last(): HttpRequest;
}

/** A transport that answers each request with what `answer` gives for it. */
export function fake(answer: (request: HttpRequest) => Scripted): Fake {
  const requests: HttpRequest[] = [];
  return {
    requests,
    last: () => {
      const request = requests.at(-1);
      if (request === undefined) {
        throw new Error("no request was sent");
      }
      return request;
    },
    transport: async (request): Promise<HttpResponse> => {
      requests.push(request);
      const scripted = answer(request);
      const body = scripted.body;
      return {
        status: scripted.status,
        headers: scripted.headers ?? {},
        body: typeof body === "string" || body instanceof Uint8Array || body === undefined ? once(body ?? "") : body,
      };
    },
  };
}

/** JSON with its status, as the node answers. */
export function jsonAnswer(status: number, value: unknown): Scripted {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

/** The request's body as text. */
export function bodyText(request: HttpRequest): string {
  return new TextDecoder().decode(request.body);
}

async function* once(body: string | Uint8Array): AsyncGenerator<Uint8Array> {
  yield typeof body === "string" ? new TextEncoder().encode(body) : body;
}

/**
 * A body the test feeds chunk by chunk, open until the test ends it, the
 * request is aborted or its reader stops, as a live stream is.
 */
export class OpenStream implements AsyncIterable<Uint8Array> {
  private aborted = false;
  private stopped = false;
  private readonly queue: Uint8Array[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(private readonly signal: () => AbortSignal) {}

  /** Whether the connection was closed: the request aborted or its body left unread. */
  get closed(): boolean {
    return this.aborted || this.stopped || this.signal().aborted;
  }

  /** Sends one more chunk. */
  send(text: string): void {
    this.queue.push(new TextEncoder().encode(text));
    this.wake?.();
  }

  /** Ends the body, as a server that closes. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const signal = this.signal();
    const onAbort = (): void => {
      this.aborted = true;
      this.wake?.();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        const chunk = this.queue.shift();
        if (chunk !== undefined) {
          yield chunk;
          continue;
        }
        if (this.aborted) {
          throw signal.reason;
        }
        if (this.ended) {
          return;
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      this.stopped = true;
      signal.removeEventListener("abort", onAbort);
    }
  }
}
