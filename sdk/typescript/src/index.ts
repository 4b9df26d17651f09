// @aios/sdk: a client for an AIOS node's HTTPS API.

export { Client } from "./client.js";
export type {
  AskOptions,
  AuditExportOptions,
  ClientOptions,
  EventsOptions,
  SendOptions,
  StoredObject,
  StoreListOptions,
  StoreObject,
} from "./client.js";
export {
  ApiError,
  BadGateway,
  BadRequest,
  Conflict,
  ConnectionError,
  Forbidden,
  InsufficientStorage,
  NotFound,
  PayloadTooLarge,
  StreamError,
  Timeout,
  Unauthorized,
  Unavailable,
  Unprocessable,
} from "./errors.js";
export type {
  AgentEvent,
  CapabilityEvent,
  DeviceEvent,
  EventCategory,
  EventFilter,
  IpcEvent,
  NodeEvent,
  PolicyEvent,
  SecurityEvent,
} from "./events.js";
export { metricSamples, MetricsFormatError, parseMetrics } from "./metrics.js";
export type { MetricFamily, MetricSample } from "./metrics.js";
export { parseSse, SseParser } from "./sse.js";
export type { SseMessage } from "./sse.js";
export { Answer, EventStream } from "./streams.js";
export { httpsTransport } from "./transport.js";
export type { HttpRequest, HttpResponse, HttpsOptions, Transport } from "./transport.js";
export type * from "./types.js";
