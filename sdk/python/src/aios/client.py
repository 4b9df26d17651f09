"""`Client`: the node's API, one blocking call per route."""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterator
from types import TracebackType
from typing import Any, TypeVar

import httpx

from . import _calls, _http, _streams
from ._calls import Call, Request
from .audit import AuditCheck, AuditPage
from .errors import api_error, transport_error
from .events import Event
from .sse import ServerEvent
from .store import ObjectInfo, Stored, StoreListing, StoreObject
from .types import Agent, Deployed, Done, Health, Image, Memory, Reply, Spawned

T = TypeVar("T")


class Client:
    """A node's API over HTTPS.

    `ca` is the node's CA file (or an `ssl.SSLContext`, or True for the
    system's CAs); `token` an API token (`aios_…`), None for `/health`
    only; `timeout` the seconds to wait for a connection or an answer.
    Close it, or use it as a context manager.
    """

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        ca: _http.CA,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._token = token
        self._timeout = timeout
        self._http = httpx.Client(
            base_url=_http.base_url(url),
            verify=_http.verify(ca),
            limits=_http.LIMITS,
            transport=transport,
        )
        self.store = Store(self)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def health(self) -> Health:
        """Whether the node is up (needs no token)."""
        return self._run(_calls.health())

    def metrics(self) -> str:
        """Every metric, in the Prometheus text format (`aios.parse_metrics`
        reads it)."""
        return self._run(_calls.metrics())

    def agents(self) -> list[Agent]:
        """Every agent the node knows, alive or ended."""
        return self._run(_calls.agents())

    def spawn(self, image: str) -> Spawned:
        """Starts an agent from the node's image named `image`."""
        return self._run(_calls.spawn(image))

    def kill(self, agent: int) -> None:
        """Stops an agent; it ends at the end of its slice."""
        self._run(_calls.kill(agent))

    def deploy(self, image: bytes | str | os.PathLike[str]) -> Deployed:
        """Gives the node a signed agent image: its bytes, or a file's path."""
        return self._run(_calls.deploy(_http.image_bytes(image)))

    def images(self) -> list[Image]:
        """The images the node can spawn: its bundle's and those deployed."""
        return self._run(_calls.images())

    def send(self, intent: str, body: Any, *, timeout_ms: int | None = None) -> Reply:
        """Sends `body` (JSON-able) for `intent` and waits for the reply, at
        most `timeout_ms` (the node's default: 10 s)."""
        return self._run(_calls.send(intent, body, timeout_ms))

    def ask(
        self,
        prompt: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        conversation: str | None = None,
    ) -> Answer:
        """Asks the node's model; iterate the answer for its text as it is
        generated, then read its `done`."""
        request = _streams.ask_request(prompt, max_tokens, temperature, conversation)
        return Answer(self._open(request))

    def events(self, *, categories: list[str] | None = None, agent: int | None = None) -> Events:
        """The node's events as they happen, until closed: all, or those of
        `categories` (`agent`, `ipc`, …) or involving `agent`."""
        return Events(self._open(_streams.events_request(categories, agent)))

    def remember(self, text: str, *, tags: list[str] | None = None) -> str:
        """Remembers `text` in this token's memory; returns its key."""
        return self._run(_calls.remember(text, tags))

    def recall(self, query: str, *, k: int | None = None) -> list[Memory]:
        """This token's `k` memories closest in meaning to `query`, best first."""
        return self._run(_calls.recall(query, k))

    def audit_export(self, *, from_seq: int | None = None, limit: int | None = None) -> AuditPage:
        """A page of the audit log from `from_seq` (the oldest kept if None)."""
        return self._run(_calls.audit_export(from_seq, limit))

    def audit_verify(self) -> AuditCheck:
        """Has the node check its audit chain and signatures."""
        return self._run(_calls.audit_verify())

    def _run(self, call: Call[T]) -> T:
        request = _http.build(self._http, self._token, self._timeout, call.request)
        try:
            response = self._http.send(request)
        except httpx.TransportError as error:
            raise transport_error(error) from error
        return call.read(response)

    def _open(self, request: Request) -> httpx.Response:
        """A streamed response whose status was a success."""
        built = _http.build(self._http, self._token, self._timeout, request)
        try:
            response = self._http.send(built, stream=True)
            if not response.is_success:
                body = response.read()
                response.close()
                raise api_error(response.status_code, body)
        except httpx.TransportError as error:
            raise transport_error(error) from error
        return response


class Store:
    """The node's object store (`client.store`)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def get(self, namespace: str, key: str) -> StoreObject:
        """An object whole, with its content type and version."""
        return self._client._run(_calls.store_get(namespace, key))

    def put(
        self, namespace: str, key: str, data: bytes | str, *, content_type: str | None = None
    ) -> Stored:
        """Writes an object whole (text as UTF-8); `created` says whether it
        is new."""
        body, kind = _http.store_body(data, content_type)
        return self._client._run(_calls.store_put(namespace, key, body, kind))

    def list(
        self,
        namespace: str,
        *,
        prefix: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> StoreListing:
        """A page of a namespace's objects in key order."""
        return self._client._run(_calls.store_list(namespace, prefix, after, limit))

    def list_all(self, namespace: str, *, prefix: str | None = None) -> builtins.list[ObjectInfo]:
        """Every object of a namespace (under `prefix`), page after page."""
        objects: builtins.list[ObjectInfo] = []
        after = None
        while True:
            page = self.list(namespace, prefix=prefix, after=after)
            objects.extend(page.objects)
            if not page.more or not page.objects:
                return objects
            after = page.objects[-1].key


class _Stream:
    """A streamed response, closed when read to its end or by `close`."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._decoder = _streams.Decoder()

    def close(self) -> None:
        self._response.close()

    def _messages(self) -> Iterator[ServerEvent]:
        try:
            for chunk in self._response.iter_bytes():
                yield from self._decoder.feed(chunk)
            yield from self._decoder.finish()
        except httpx.TransportError as error:
            raise transport_error(error) from error
        finally:
            self.close()


class Answer(_Stream):
    """The model's answer as it streams: iterate it (once) for each piece
    of text; `done` is set when it ends."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response)
        self._reader = _streams.AnswerReader()

    @property
    def done(self) -> Done | None:
        """How the answer ended, once it has."""
        return self._reader.done

    def __iter__(self) -> Iterator[str]:
        for message in self._messages():
            text = self._reader.token(message)
            if text is not None:
                yield text
            if self._reader.done is not None:
                self.close()
                return
        self._reader.ended()

    def text(self) -> str:
        """The whole answer, waiting for its end."""
        return "".join(self)

    def __enter__(self) -> Answer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Events(_Stream):
    """The node's events as they come; iterate (once) until you close it."""

    def __iter__(self) -> Iterator[Event]:
        for message in self._messages():
            yield _streams.event(message)

    def __enter__(self) -> Events:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
