// What goes wrong: the node's refusals by status, and failures to reach it.

/** A status and `{"error": "..."}` message the node answered with. */
export class ApiError extends Error {
  /** The HTTP status. */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = new.target.name;
    this.status = status;
  }
}

/** 400: the request is malformed (a body, a parameter, a name). */
export class BadRequest extends ApiError {}

/** 401: no token, a malformed one, or one the node does not know. */
export class Unauthorized extends ApiError {}

/** 403: the token lacks the route's scope, or the node's policy denies it. */
export class Forbidden extends ApiError {}

/** 404: no such route, agent, image, intent handler, namespace or object. */
export class NotFound extends ApiError {}

/** 409: an image refused at load, an agent that already ended. */
export class Conflict extends ApiError {}

/** 413: the request body is larger than the node takes. */
export class PayloadTooLarge extends ApiError {}

/** 422: a body off the intent's schema, an object too large to read whole. */
export class Unprocessable extends ApiError {}

/** 502: the agent stopped before it replied. */
export class BadGateway extends ApiError {}

/** 503: no room (a mailbox, a queue, a quota), or no model or disk. */
export class Unavailable extends ApiError {}

/** 408 or 504: the request or its reply did not come in time. */
export class Timeout extends ApiError {}

/** 507: the namespace's quota or the disk is full. */
export class InsufficientStorage extends ApiError {}

const byStatus: Record<number, new (status: number, message: string) => ApiError> = {
  400: BadRequest,
  401: Unauthorized,
  403: Forbidden,
  404: NotFound,
  408: Timeout,
  409: Conflict,
  413: PayloadTooLarge,
  422: Unprocessable,
  502: BadGateway,
  503: Unavailable,
  504: Timeout,
  507: InsufficientStorage,
};

/** The error for a status: its subclass, or `ApiError` itself. */
export function errorForStatus(status: number, message: string): ApiError {
  const ErrorClass = byStatus[status] ?? ApiError;
  return new ErrorClass(status, message);
}

/** The `error` member of a JSON refusal, or the text itself when it is not one. */
export function refusalText(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed && typeof parsed.error === "string") {
      return parsed.error;
    }
  } catch {
    // Not JSON: the text itself says it best.
  }
  return text.trim();
}

/**
 * The node could not be reached or stopped answering: TLS refused, the
 * connection dropped, a stream cut short, or the client's own deadline
 * (`timeoutMs`) passed. There is no status: no answer came.
 */
export class ConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConnectionError";
  }
}

/**
 * A stream the node ended with an `error` event, after it had answered
 * 200: the message says what failed.
 */
export class StreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StreamError";
  }
}
