"""What the ask and events streams make of their server-sent events,
shared by the sync and async clients."""

from __future__ import annotations

import codecs
from typing import Any

from . import _json
from ._calls import JSON, Request, json_body, segment
from .errors import ProtocolError, StreamError
from .events import Event, event_from_sse
from .sse import ServerEvent, SseDecoder
from .types import Done

# The node sends a comment after 15 s of quiet on any stream, so a read
# that waits longer than this means the connection is gone.
KEEPALIVE_WAIT = 20.0


class Decoder:
    """Bytes of a stream (always UTF-8) to its server-sent events."""

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._sse = SseDecoder()

    def feed(self, chunk: bytes) -> list[ServerEvent]:
        return self._sse.feed(self._utf8.decode(chunk))

    def finish(self) -> list[ServerEvent]:
        events = self._sse.feed(self._utf8.decode(b"", final=True))
        self._sse.finish()
        return events


def ask_request(
    prompt: str, max_tokens: int | None, temperature: float | None, conversation: str | None
) -> Request:
    question: dict[str, Any] = {"prompt": prompt}
    if max_tokens is not None:
        question["max_tokens"] = max_tokens
    if temperature is not None:
        question["temperature"] = temperature
    if conversation is not None:
        question["conversation"] = conversation
    return Request("POST", "/v1/ask", json_body(question), JSON, KEEPALIVE_WAIT)


def events_request(categories: list[str] | None, agent: int | None) -> Request:
    query = []
    if categories:
        # The node decodes this value, then splits it at commas (no category
        # name has one); literal commas read best in a log.
        query.append("categories=" + ",".join(segment(c) for c in categories))
    if agent is not None:
        query.append(f"agent={agent}")
    path = "/v1/events" + ("?" + "&".join(query) if query else "")
    return Request("GET", path, wait=KEEPALIVE_WAIT)


class AnswerReader:
    """Follows an answer's events: each `token`'s text, then `done`."""

    def __init__(self) -> None:
        self.done: Done | None = None

    def token(self, message: ServerEvent) -> str | None:
        """The text of a `token` event; None for `done` or an unknown event.
        An `error` event raises StreamError."""
        what = f"ask {message.event} event"
        if message.event == "token":
            value = _json.parse(message.data.encode("utf-8"), what)
            return _json.Fields(value, what).text("text")
        if message.event == "done":
            self.done = Done.from_json(_json.parse(message.data.encode("utf-8"), what))
        elif message.event == "error":
            raise stream_error(message)
        return None

    def ended(self) -> None:
        """The stream closed: an error unless `done` came."""
        if self.done is None:
            raise ProtocolError("the answer ended before its done event")


def event(message: ServerEvent) -> Event:
    """The typed event of an events stream's message."""
    if message.event == "error":
        raise stream_error(message)
    return event_from_sse(message)


def stream_error(message: ServerEvent) -> StreamError:
    try:
        text = _json.Fields(_json.parse(message.data.encode("utf-8"), "error"), "error").text(
            "error"
        )
    except ProtocolError:
        text = message.data
    return StreamError(text)
