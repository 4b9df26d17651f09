// The JSON shapes of the node's API (docs/api.md, docs/api/openapi.json).

/** `GET /health`. */
export interface Health {
  status: "ok";
  version: string;
  uptime_seconds: number;
  /** Agents the node knows. */
  agents: number;
}

/** An agent's state, as `GET /v1/agents` and agent events name it. */
export type AgentState =
  | "starting"
  | "runnable"
  | "running"
  | "blocked"
  | "exited"
  | "trapped"
  | "killed";

/** One of `GET /v1/agents`. */
export interface Agent {
  id: number;
  name: string;
  /** An {@link AgentState}; typed as text since the node may add states. */
  state: string;
}

/** `POST /v1/agents`: the agent started. */
export interface Spawned {
  id: number;
  name: string;
}

/** `POST /v1/images`: the image deployed. */
export interface Deployed {
  name: string;
  publisher: string;
  size: number;
}

/** One of `GET /v1/images`. */
export interface Image {
  name: string;
  /** Loaded from the boot bundle, or deployed through the API. */
  source: "bundle" | "deployed";
  start_at_boot: boolean;
  /** Why the node refused the image at load, if it did. */
  refused?: string;
}

/** `POST /v1/intents/{intent}`: the reply. */
export interface IntentReply<Reply = unknown> {
  intent: string;
  /** The agent that replied. */
  from: number;
  /** The reply's CBOR shown as JSON (byte strings as `"h'<hex>'"`). */
  reply: Reply;
}

/** Why an answer ended, as the `done` event of `POST /v1/ask` says. */
export type Finish =
  | "end_of_turn"
  | "stop"
  | "length"
  | "context"
  | "quota"
  | "cancelled"
  | "error"
  | "unknown";

/** The `done` event of `POST /v1/ask`. */
export interface AskDone {
  finish: Finish;
  /** Tokens generated. */
  generated: number;
  prompt_tokens: number;
  /** What failed, when `finish` is `error`. */
  error?: string;
}

/** `PUT /v1/store/{namespace}/{key}`. */
export interface Stored {
  namespace: string;
  /** The key, percent-decoded. */
  key: string;
  size: number;
}

/** One object of a store listing. */
export interface StoreEntry {
  key: string;
  size: number;
  content_type: string;
  /** 1 on creation, +1 on every write. */
  version: number;
  /** When it was last written, in nanoseconds since the node's boot then. */
  modified_ns: number;
}

/** `GET /v1/store/{namespace}`: one page. */
export interface StoreListing {
  objects: StoreEntry[];
  /** More objects follow the last: ask again with `after` its key. */
  more: boolean;
}

/** One record of the audit log. */
export interface AuditRecord {
  seq: number;
  /** Nanoseconds since the boot that wrote it. */
  time_ns: number;
  /** `spawn`, `exit`, `denial`, `api`, `checkpoint`, … */
  kind: string;
  /** The agent the record is about; 0 for the kernel. */
  agent: number;
  detail: string;
  /** The previous record's hash (SHA3-256), in hex. */
  prev_hash: string;
  /** SHA3-256 of the CBOR array `[seq, time_ns, kind code, agent, detail, prev_hash]`, in hex. */
  hash: string;
}

/** A signed checkpoint of the audit chain. */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  /** ML-DSA-65 signature (context `aios-audit-v1`) over the CBOR array `[seq, hash]`, in hex. */
  signature: string;
}

/** `GET /v1/audit`: one page of records. */
export interface AuditPage {
  /** The oldest record the node still keeps. */
  first_seq: number;
  /** The sequence number the next record will get. */
  next_seq: number;
  /** The node's ML-DSA-65 public key, in hex. */
  public_key: string;
  records: AuditRecord[];
  checkpoints: AuditCheckpoint[];
}

/** `GET /v1/audit/verify`. */
export interface AuditCheck {
  ok: boolean;
  records: number;
  /** The oldest record kept, where the check began. */
  checked_from: number;
  /** The last record a verified signature covers. */
  signed_through?: number;
  /** What is wrong, when `ok` is false. */
  problem?: string;
}

/** `POST /v1/memory`. */
export interface Remembered {
  /** `m` and 16 hex digits of the text's SHA3-256. */
  key: string;
}

/** One of `GET /v1/memory`, best first. */
export interface Recalled {
  key: string;
  /** Cosine similarity to the query, to three decimals. */
  score: number;
  text: string;
  tags: string[];
}
