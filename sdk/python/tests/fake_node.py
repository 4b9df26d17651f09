"""A fake node for unit tests: canned answers through httpx.MockTransport,
and every request it was sent, to check how the SDK built it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

import aios

URL = "https://node.test:8443"
TOKEN = "aios_" + "ab" * 32


@dataclass
class Node:
    """Answers each request with the next of `answers`, in order."""

    answers: list[httpx.Response]
    requests: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.answers.pop(0)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return self.answers.pop(0)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def client(self) -> aios.Client:
        return aios.Client(URL, TOKEN, ca=True, transport=httpx.MockTransport(self.handle))

    def async_client(self) -> aios.AsyncClient:
        transport = httpx.MockTransport(self.handle_async)
        return aios.AsyncClient(URL, TOKEN, ca=True, transport=transport)


def answer(status: int, value: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    """A JSON answer."""
    return httpx.Response(status, content=json.dumps(value).encode(), headers=headers)


def refusal(status: int, message: str) -> httpx.Response:
    """The node's `{"error": ...}` refusal."""
    return answer(status, {"error": message})


def stream(*chunks: bytes) -> httpx.Response:
    """A server-sent event stream that arrives in `chunks`."""
    return httpx.Response(
        200, headers={"Content-Type": "text/event-stream"}, stream=Chunks(list(chunks))
    )


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that arrives piece by piece, as a stream's does."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Any:
        yield from self._chunks

    async def __aiter__(self) -> Any:
        for chunk in self._chunks:
            yield chunk


def sent_json(request: httpx.Request) -> Any:
    return json.loads(request.content)
