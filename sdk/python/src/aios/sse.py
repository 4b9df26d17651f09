"""Server-sent events, parsed as the WHATWG HTML standard says
(section 9.2.6), from text that arrives in pieces of any size."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerEvent:
    """One dispatched event: its name (`message` if none was given), its
    data (lines joined with a newline) and its id (`""` if none)."""

    event: str
    data: str
    id: str = ""


class SseDecoder:
    """Turns chunks of a `text/event-stream` into events.

    Lines end with CRLF, LF or CR, and a CRLF may be split between chunks.
    Comment lines (`: keep-alive`) and unknown fields are ignored; an event
    is dispatched at a blank line, and only if it has data. An event cut
    off by the stream's end is never dispatched (see `finish`).
    """

    def __init__(self) -> None:
        self._partial = ""
        self._after_cr = False
        self._started = False
        self._event = ""
        self._data: list[str] = []
        self._last_id = ""

    def feed(self, chunk: str) -> list[ServerEvent]:
        """The events `chunk` completes."""
        if not self._started and chunk:
            self._started = True
            chunk = chunk.removeprefix("\ufeff")
        events: list[ServerEvent] = []
        start = 0
        for index, char in enumerate(chunk):
            if char == "\n" and self._after_cr and index == start and not self._partial:
                # The LF of a CRLF whose CR ended the previous line.
                self._after_cr = False
                start = index + 1
                continue
            self._after_cr = False
            if char in "\r\n":
                line = self._partial + chunk[start:index]
                self._partial = ""
                start = index + 1
                self._after_cr = char == "\r"
                event = self._line(line)
                if event is not None:
                    events.append(event)
        self._partial += chunk[start:]
        return events

    def finish(self) -> None:
        """Ends the stream: whatever was not ended by a blank line is
        dropped, as the standard says."""
        self._partial = ""
        self._event = ""
        self._data = []

    def _line(self, line: str) -> ServerEvent | None:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._last_id = value
        return None

    def _dispatch(self) -> ServerEvent | None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return ServerEvent(event or "message", "\n".join(data), self._last_id)
