// One exchange with the node: the request sent, the deadline kept, refusals turned into errors.

import { ApiError, ConnectionError, errorForStatus, refusalText } from "./errors.js";
import type { HttpRequest, HttpResponse, Transport } from "./transport.js";

/** What a call sends and how long it may take. */
export interface CallInit {
  method: HttpRequest["method"];
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** The client's deadline: for the whole answer, or for a stream's head. */
  timeoutMs: number;
  /** The caller's own cancellation. */
  signal?: AbortSignal | undefined;
}

/** A whole answer, read before the deadline. */
export interface Answered {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A stream's head, its body still arriving, and how to end it. */
export interface Opened {
  response: HttpResponse;
  /** Closes the connection; what is being read ends. */
  close(): void;
}

/** Sends the request and reads the answer whole; a status past 299 is thrown as its error. */
export async function call(transport: Transport, init: CallInit): Promise<Answered> {
  const cancel = canceller(init);
  try {
    const response = await send(transport, init, cancel.signal);
    return { status: response.status, headers: response.headers, body: await readAll(response.body) };
  } finally {
    cancel.release();
  }
}

/** Sends the request and returns once a 2xx head came; the deadline ends there. */
export async function open(transport: Transport, init: CallInit): Promise<Opened> {
  const cancel = canceller(init);
  try {
    const response = await send(transport, init, cancel.signal);
    cancel.stopDeadline();
    return {
      response,
      close: () => {
        cancel.abort(new ConnectionError("the stream was closed"));
        cancel.release();
      },
    };
  } catch (error) {
    cancel.release();
    throw error;
  }
}

/** The body's JSON, typed as the route documents it. */
export function json<T>(answered: Answered): T {
  const text = new TextDecoder().decode(answered.body);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(answered.status, `the node answered ${answered.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

async function send(transport: Transport, init: CallInit, signal: AbortSignal): Promise<HttpResponse> {
  const request: HttpRequest = { method: init.method, path: init.path, headers: init.headers, signal };
  if (init.body !== undefined) {
    request.body = init.body;
  }
  const response = await transport(request);
  if (response.status >= 200 && response.status < 300) {
    return response;
  }
  throw errorForStatus(response.status, message(response.status, await readAll(response.body)));
}

/** The refusal's message, or the bare status when the body is empty. */
function message(status: number, body: Uint8Array): string {
  const text = refusalText(new TextDecoder().decode(body));
  return text === "" ? `HTTP ${status}` : text;
}

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.byteLength;
  }
  const whole = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.byteLength;
  }
  return whole;
}

/** One signal for a call that the deadline and the caller's signal both abort. */
function canceller(init: CallInit) {
  const controller = new AbortController();
  const deadline = setTimeout(() => {
    controller.abort(new ConnectionError(`${init.method} ${init.path}: no answer within ${init.timeoutMs} ms`));
  }, init.timeoutMs);
  const callerSignal = init.signal;
  const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) {
    controller.abort(callerSignal.reason);
  } else {
    callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  }
  return {
    signal: controller.signal,
    abort: (reason: unknown) => controller.abort(reason),
    stopDeadline: () => clearTimeout(deadline),
    release: () => {
      clearTimeout(deadline);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
}
