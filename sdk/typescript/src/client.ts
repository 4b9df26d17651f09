// The client: one method per route of the node's API.

import { call, json, open, type Answered, type CallInit } from "./call.js";
import { percentEncode, queryString } from "./encoding.js";
import type { EventFilter } from "./events.js";
import { Answer, EventStream } from "./streams.js";
import { httpsTransport, type Transport } from "./transport.js";
import type {
  Agent,
  AuditCheck,
  AuditPage,
  Deployed,
  Health,
  Image,
  IntentReply,
  Recalled,
  Remembered,
  Spawned,
  Stored,
  StoreListing,
} from "./types.js";

/** How to reach a node. */
export interface ClientOptions {
  /** The node's API, `https://host:port`. */
  url: string;
  /** An API token (`aios_` and 64 hex digits); `health()` needs none. */
  token?: string;
  /** PEM certificates to trust for the node (its CA's file's contents); the system's roots when absent. */
  ca?: string | Uint8Array;
  /** How long a call may take, or a stream's head may take to come; 30 000 if absent. */
  timeoutMs?: number;
  /** Sends the requests; {@link httpsTransport} of `url` and `ca` if absent. */
  transport?: Transport;
}

/** Options of {@link Client.send}. */
export interface SendOptions {
  /** How long the node waits for the reply (1 to 60 000; the node's 10 000 if absent). */
  timeoutMs?: number;
}

/** Options of {@link Client.ask}. */
export interface AskOptions {
  /** Most tokens to generate (1 to 2048; the node's default if absent). */
  maxTokens?: number;
  /** Sampling temperature, 0 (greedy) to 2. */
  temperature?: number;
  /** A conversation to continue; the node keeps its context between questions. */
  conversation?: string;
  /** Aborting it stops the answer. */
  signal?: AbortSignal;
}

/** Options of {@link Client.events}. */
export interface EventsOptions extends EventFilter {
  /** Aborting it ends the stream. */
  signal?: AbortSignal;
}

/** Options of {@link Client.storeList}. */
export interface StoreListOptions {
  /** Only keys that start with this. */
  prefix?: string;
  /** Only keys after this one: the previous page's last key. */
  after?: string;
  /** Most objects in the page (1 to 256; 256 if absent). */
  limit?: number;
}

/** Options of {@link Client.auditExport}. */
export interface AuditExportOptions {
  /** The first sequence number wanted; the oldest kept if absent. */
  from?: number;
  /** Most records (1 to 1000; 100 if absent). */
  limit?: number;
}

/** An object read from the store. */
export interface StoreObject {
  bytes: Uint8Array;
  /** The content type it was written with. */
  contentType: string;
  /** Its version, from the `ETag`: 1 on creation, +1 on every write. */
  version: number | undefined;
}

/** What a store write did. */
export interface StoredObject extends Stored {
  /** True when the object is new (201), false when it replaced one (200). */
  created: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** What the client waits beyond the node's own wait for a reply. */
const REPLY_MARGIN_MS = 5_000;
const JSON_TYPE = "application/json";

/** A client of one node's HTTPS API. */
export class Client {
  private readonly transport: Transport;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.transport = options.transport ?? httpsTransport(options.ca === undefined ? { url: options.url } : { url: options.url, ca: options.ca });
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** `GET /health`: whether the node is up; needs no token. */
  async health(): Promise<Health> {
    return json(await call(this.transport, { method: "GET", path: "/health", headers: {}, timeoutMs: this.timeoutMs }));
  }

  /** `GET /metrics`: every metric family as Prometheus text (see `parseMetrics`). */
  async metrics(): Promise<string> {
    return new TextDecoder().decode((await this.request("GET", "/metrics")).body);
  }

  /** `GET /v1/agents`: every agent the node knows, alive or ended. */
  async agents(): Promise<Agent[]> {
    return json(await this.request("GET", "/v1/agents"));
  }

  /** `POST /v1/agents`: starts an agent from one of the node's images. */
  async spawn(image: string): Promise<Spawned> {
    return json(await this.request("POST", "/v1/agents", jsonBody({ image })));
  }

  /** `DELETE /v1/agents/{id}`: stops an agent. */
  async kill(id: number): Promise<void> {
    await this.request("DELETE", `/v1/agents/${percentEncode(String(id))}`);
  }

  /** `POST /v1/images`: deploys a signed agent image (its bytes, as `cargo xtask` packs them). */
  async deploy(image: Uint8Array): Promise<Deployed> {
    return json(await this.request("POST", "/v1/images", { body: image, contentType: "application/octet-stream" }));
  }

  /** `GET /v1/images`: the images the node has, from its bundle or deployed. */
  async images(): Promise<Image[]> {
    return json(await this.request("GET", "/v1/images"));
  }

  /** `POST /v1/intents/{intent}`: sends a message to whoever serves the intent and waits for the reply. */
  async send<Reply = unknown>(intent: string, body: unknown, options: SendOptions = {}): Promise<IntentReply<Reply>> {
    const path = `/v1/intents/${percentEncode(intent)}${queryString({ timeout_ms: options.timeoutMs })}`;
    const nodeWaitMs = options.timeoutMs ?? 10_000;
    return json(await this.request("POST", path, { ...jsonBody(body), timeoutMs: Math.max(this.timeoutMs, nodeWaitMs + REPLY_MARGIN_MS) }));
  }

  /** `POST /v1/ask`: asks the node's model; resolves once the answer starts streaming. */
  async ask(prompt: string, options: AskOptions = {}): Promise<Answer> {
    const question = {
      prompt,
      max_tokens: options.maxTokens,
      temperature: options.temperature,
      conversation: options.conversation,
    };
    return new Answer(await open(this.transport, this.init("POST", "/v1/ask", { ...jsonBody(question), signal: options.signal })));
  }

  /** `GET /v1/events`: the node's events as they happen; resolves once the stream is open. */
  async events(options: EventsOptions = {}): Promise<EventStream> {
    const path = `/v1/events${queryString({ categories: options.categories, agent: options.agent })}`;
    return new EventStream(await open(this.transport, this.init("GET", path, { signal: options.signal })));
  }

  /** `GET /v1/store/{namespace}/{key}`: an object's bytes and content type. */
  async storeGet(namespace: string, key: string): Promise<StoreObject> {
    const answered = await this.request("GET", storePath(namespace, key));
    const etag = answered.headers["etag"]?.replace(/^(W\/)?"(.*)"$/, "$2");
    const version = etag === undefined || !/^\d+$/.test(etag) ? undefined : Number(etag);
    return {
      bytes: answered.body,
      contentType: answered.headers["content-type"] ?? "application/octet-stream",
      version,
    };
  }

  /**
   * `PUT /v1/store/{namespace}/{key}`: writes an object whole. Text is sent
   * as UTF-8, `text/plain; charset=utf-8` unless `contentType` says otherwise;
   * bytes as `application/octet-stream` unless it does.
   */
  async storePut(namespace: string, key: string, data: Uint8Array | string, contentType?: string): Promise<StoredObject> {
    const text = typeof data === "string";
    const body = text ? new TextEncoder().encode(data) : data;
    const type = contentType ?? (text ? "text/plain; charset=utf-8" : "application/octet-stream");
    const answered = await this.request("PUT", storePath(namespace, key), { body, contentType: type });
    return { ...json<Stored>(answered), created: answered.status === 201 };
  }

  /** `GET /v1/store/{namespace}`: one page of a namespace's objects, in key order. */
  async storeList(namespace: string, options: StoreListOptions = {}): Promise<StoreListing> {
    const query = queryString({ prefix: options.prefix, after: options.after, limit: options.limit });
    return json(await this.request("GET", `/v1/store/${percentEncode(namespace)}${query}`));
  }

  /** `GET /v1/audit`: a page of audit records with their hashes, checkpoints and the node's key. */
  async auditExport(options: AuditExportOptions = {}): Promise<AuditPage> {
    return json(await this.request("GET", `/v1/audit${queryString({ from: options.from, limit: options.limit })}`));
  }

  /** `GET /v1/audit/verify`: has the node check its audit chain and signatures. */
  async auditVerify(): Promise<AuditCheck> {
    return json(await this.request("GET", "/v1/audit/verify"));
  }

  /** `POST /v1/memory`: remembers a text in the token's own memory region. */
  async remember(text: string, tags?: string[]): Promise<Remembered> {
    return json(await this.request("POST", "/v1/memory", jsonBody(tags === undefined ? { text } : { text, tags })));
  }

  /** `GET /v1/memory`: the `k` memories closest in meaning to the query, best first. */
  async recall(query: string, k?: number): Promise<Recalled[]> {
    return json(await this.request("GET", `/v1/memory${queryString({ q: query, k })}`));
  }

  private async request(method: CallInit["method"], path: string, extra: RequestExtra = {}): Promise<Answered> {
    return call(this.transport, this.init(method, path, extra));
  }

  private init(method: CallInit["method"], path: string, extra: RequestExtra): CallInit {
    const headers: Record<string, string> = {};
    if (this.token !== undefined) {
      headers["authorization"] = `Bearer ${this.token}`;
    }
    if (extra.contentType !== undefined) {
      headers["content-type"] = extra.contentType;
    }
    const init: CallInit = { method, path, headers, timeoutMs: extra.timeoutMs ?? this.timeoutMs, signal: extra.signal };
    if (extra.body !== undefined) {
      init.body = extra.body;
    }
    return init;
  }
}

/** What a request may add to its method and path. */
interface RequestExtra {
  body?: Uint8Array;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

/** A JSON body; members set to `undefined` are left out, as `JSON.stringify` does. */
function jsonBody(value: unknown): RequestExtra {
  return { body: new TextEncoder().encode(JSON.stringify(value)), contentType: JSON_TYPE };
}

function storePath(namespace: string, key: string): string {
  return `/v1/store/${percentEncode(namespace)}/${percentEncode(key)}`;
}
