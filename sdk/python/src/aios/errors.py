"""The SDK's exceptions: one hierarchy under `aios.Error`."""

from __future__ import annotations

import json

import httpx


class Error(Exception):
    """Anything the SDK raises."""


class TransportError(Error):
    """The node could not be reached, or the connection failed mid-answer."""


class ProtocolError(Error):
    """The node answered something the API does not document."""


class StreamError(Error):
    """A stream (ask, events) ended with the node's `error` event."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiError(Error):
    """The node refused the request with an HTTP status and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class BadRequest(ApiError):
    """400: the request is malformed (a body, a parameter, a name)."""


class Unauthorized(ApiError):
    """401: no token, a malformed one, or one the node does not know."""


class Forbidden(ApiError):
    """403: the token lacks the route's scope, or the policy denies it."""


class NotFound(ApiError):
    """404: no such agent, image, intent, namespace or object."""


class Conflict(ApiError):
    """409: the agent already ended, or the image was refused."""


class TooLarge(ApiError):
    """413: the body is larger than the node takes (1 MiB)."""


class Unprocessable(ApiError):
    """422: the body does not fit the intent's schema, or the object is too
    large to read whole."""


class AgentFailed(ApiError):
    """502: the agent stopped before it replied, or replied with bad CBOR."""


class Unavailable(ApiError):
    """503: no disk, no model, a full mailbox or queue; try again later."""


class Timeout(ApiError):
    """504 (no reply in time) or 408 (the request was not whole in time)."""


class InsufficientStorage(ApiError):
    """507: the namespace's quota or the disk is full."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    408: Timeout,
    409: Conflict,
    413: TooLarge,
    422: Unprocessable,
    502: AgentFailed,
    503: Unavailable,
    504: Timeout,
    507: InsufficientStorage,
}


def api_error(status: int, body: bytes) -> ApiError:
    """The exception for a refusal: its class from the status, its message
    from the `{"error": ...}` body (or the body itself if it is not that)."""
    message = body.decode("utf-8", errors="replace").strip()
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), str):
        message = parsed["error"]
    return _BY_STATUS.get(status, ApiError)(status, message)


def transport_error(error: httpx.TransportError) -> TransportError:
    """httpx's connection failure as the SDK's."""
    return TransportError(f"{type(error).__name__}: {error}")
