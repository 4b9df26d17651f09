// How requests reach the node: one HTTPS connection per request, over node:https.

import { request as httpsRequest } from "node:https";
import type { IncomingMessage } from "node:http";
import { ConnectionError } from "./errors.js";

/** A request as the client builds it. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** The path and query, already percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** Aborting it ends the request and closes the connection. */
  signal: AbortSignal;
}

/** What came back: the head at once, the body as it arrives. */
export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The body's bytes as they arrive; ends when the server closes. */
  body: AsyncIterable<Uint8Array>;
}

/**
 * Sends one request and resolves when the response's head has come. It
 * must reject (with the signal's reason) or end the body when the signal
 * aborts. The client's tests give it a fake; {@link httpsTransport} is the
 * real one.
 */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

/** Where the node is and whom to trust for it. */
export interface HttpsOptions {
  /** `https://host:port`. */
  url: string;
  /** PEM certificates to trust instead of the system's (the development CA). */
  ca?: string | Uint8Array;
}

/**
 * The transport over `node:https`: a new TLS connection for each request,
 * as the node serves one request per connection, with the certificate
 * verified against `ca` (or the system's roots when absent).
 */
export function httpsTransport(options: HttpsOptions): Transport {
  const base = new URL(options.url);
  if (base.protocol !== "https:") {
    throw new TypeError(`the node's URL must be https: (got ${base.protocol})`);
  }
  const prefix = base.pathname.replace(/\/+$/, "");
  // `new URL` keeps an IPv6 host's brackets; `https.request` wants it bare.
  const host = base.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = base.port === "" ? 443 : Number(base.port);
  const ca = typeof options.ca === "string" || options.ca === undefined ? options.ca : Buffer.from(options.ca);
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const { signal } = request;
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const headers: Record<string, string> = { ...request.headers, connection: "close" };
      if (request.body !== undefined) {
        headers["content-length"] = String(request.body.byteLength);
      }
      const outgoing = httpsRequest({
        host,
        port,
        method: request.method,
        path: prefix + request.path,
        headers,
        agent: false,
        ...(ca === undefined ? {} : { ca }),
      });
      const onAbort = (): void => {
        outgoing.destroy(signal.reason instanceof Error ? signal.reason : new ConnectionError(String(signal.reason)));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      outgoing.on("error", (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof ConnectionError ? error : new ConnectionError(`${request.method} ${request.path}: ${error.message}`, { cause: error }));
      });
      outgoing.on("response", (incoming: IncomingMessage) => {
        incoming.on("close", () => signal.removeEventListener("abort", onAbort));
        resolve({
          status: incoming.statusCode ?? 0,
          headers: flatten(incoming.headers),
          body: bytes(incoming, request),
        });
      });
      outgoing.end(request.body === undefined ? undefined : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength));
    });
}

/** The response's chunks as `Uint8Array`s; an abort or a cut connection is an error. */
async function* bytes(incoming: IncomingMessage, request: HttpRequest): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of incoming) {
      yield chunk as Buffer;
    }
  } catch (error) {
    if (request.signal.aborted) {
      throw request.signal.reason;
    }
    throw new ConnectionError(`${request.method} ${request.path}: the answer was cut off`, { cause: error });
  } finally {
    // Whoever stops reading early (a `break`, a cancelled stream) closes the connection.
    incoming.destroy();
  }
}

function flatten(headers: IncomingMessage["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      flat[name] = Array.isArray(value) ? value.join(", ") : value;
    }
  }
  return flat;
}
