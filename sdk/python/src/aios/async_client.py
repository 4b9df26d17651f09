"""`AsyncClient`: the node's API for asyncio, the same calls as `Client`."""

from __future__ import annotations

import builtins
import os
from collections.abc import AsyncIterator
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


class AsyncClient:
    """A node's API over HTTPS, for asyncio; the same calls as `Client`.

    `ca` is the node's CA file (or an `ssl.SSLContext`, or True for the
    system's CAs); `token` an API token (`aios_…`), None for `/health`
    only; `timeout` the seconds to wait for a connection or an answer.
    Close it (`await client.aclose()`), or use it with `async with`.
    """

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        ca: _http.CA,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._token = token
        self._timeout = timeout
        self._http = httpx.AsyncClient(
            base_url=_http.base_url(url),
            verify=_http.verify(ca),
            limits=_http.LIMITS,
            transport=transport,
        )
        self.store = AsyncStore(self)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def health(self) -> Health:
        """Whether the node is up (needs no token)."""
        return await self._run(_calls.health())

    async def metrics(self) -> str:
        """Every metric, in the Prometheus text format (`aios.parse_metrics`
        reads it)."""
        return await self._run(_calls.metrics())

    async def agents(self) -> list[Agent]:
        """Every agent the node knows, alive or ended."""
        return await self._run(_calls.agents())

    async def spawn(self, image: str) -> Spawned:
        """Starts an agent from the node's image named `image`."""
        return await self._run(_calls.spawn(image))

    async def kill(self, agent: int) -> None:
        """Stops an agent; it ends at the end of its slice."""
        await self._run(_calls.kill(agent))

    async def deploy(self, image: bytes | str | os.PathLike[str]) -> Deployed:
        """Gives the node a signed agent image: its bytes, or a file's path."""
        return await self._run(_calls.deploy(_http.image_bytes(image)))

    async def images(self) -> list[Image]:
        """The images the node can spawn: its bundle's and those deployed."""
        return await self._run(_calls.images())

    async def send(self, intent: str, body: Any, *, timeout_ms: int | None = None) -> Reply:
        """Sends `body` (JSON-able) for `intent` and waits for the reply, at
        most `timeout_ms` (the node's default: 10 s)."""
        return await self._run(_calls.send(intent, body, timeout_ms))

    async def ask(
        self,
        prompt: str,
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        conversation: str | None = None,
    ) -> AsyncAnswer:
        """Asks the node's model; iterate the answer for its text as it is
        generated, then read its `done`."""
        request = _streams.ask_request(prompt, max_tokens, temperature, conversation)
        return AsyncAnswer(await self._open(request))

    async def events(
        self, *, categories: list[str] | None = None, agent: int | None = None
    ) -> AsyncEvents:
        """The node's events as they happen, until closed: all, or those of
        `categories` (`agent`, `ipc`, …) or involving `agent`."""
        return AsyncEvents(await self._open(_streams.events_request(categories, agent)))

    async def remember(self, text: str, *, tags: list[str] | None = None) -> str:
        """Remembers `text` in this token's memory; returns its key."""
        return await self._run(_calls.remember(text, tags))

    async def recall(self, query: str, *, k: int | None = None) -> list[Memory]:
        """This token's `k` memories closest in meaning to `query`, best first."""
        return await self._run(_calls.recall(query, k))

    async def audit_export(
        self, *, from_seq: int | None = None, limit: int | None = None
    ) -> AuditPage:
        """A page of the audit log from `from_seq` (the oldest kept if None)."""
        return await self._run(_calls.audit_export(from_seq, limit))

    async def audit_verify(self) -> AuditCheck:
        """Has the node check its audit chain and signatures."""
        return await self._run(_calls.audit_verify())

    async def _run(self, call: Call[T]) -> T:
        request = _http.build(self._http, self._token, self._timeout, call.request)
        try:
            response = await self._http.send(request)
        except httpx.TransportError as error:
            raise transport_error(error) from error
        return call.read(response)

    async def _open(self, request: Request) -> httpx.Response:
        """A streamed response whose status was a success."""
        built = _http.build(self._http, self._token, self._timeout, request)
        try:
            response = await self._http.send(built, stream=True)
            if not response.is_success:
                body = await response.aread()
                await response.aclose()
                raise api_error(response.status_code, body)
        except httpx.TransportError as error:
            raise transport_error(error) from error
        return response


class AsyncStore:
    """The node's object store (`client.store`), for asyncio."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def get(self, namespace: str, key: str) -> StoreObject:
        """An object whole, with its content type and version."""
        return await self._client._run(_calls.store_get(namespace, key))

    async def put(
        self, namespace: str, key: str, data: bytes | str, *, content_type: str | None = None
    ) -> Stored:
        """Writes an object whole (text as UTF-8); `created` says whether it
        is new."""
        body, kind = _http.store_body(data, content_type)
        return await self._client._run(_calls.store_put(namespace, key, body, kind))

    async def list(
        self,
        namespace: str,
        *,
        prefix: str | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> StoreListing:
        """A page of a namespace's objects in key order."""
        return await self._client._run(_calls.store_list(namespace, prefix, after, limit))

    async def list_all(
        self, namespace: str, *, prefix: str | None = None
    ) -> builtins.list[ObjectInfo]:
        """Every object of a namespace (under `prefix`), page after page."""
        objects: builtins.list[ObjectInfo] = []
        after = None
        while True:
            page = await self.list(namespace, prefix=prefix, after=after)
            objects.extend(page.objects)
            if not page.more or not page.objects:
                return objects
            after = page.objects[-1].key


class _AsyncStream:
    """A streamed response, closed when read to its end or by `aclose`."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._decoder = _streams.Decoder()

    async def aclose(self) -> None:
        await self._response.aclose()

    async def _messages(self) -> AsyncIterator[ServerEvent]:
        try:
            async for chunk in self._response.aiter_bytes():
                for message in self._decoder.feed(chunk):
                    yield message
            for message in self._decoder.finish():
                yield message
        except httpx.TransportError as error:
            raise transport_error(error) from error
        finally:
            await self.aclose()


class AsyncAnswer(_AsyncStream):
    """The model's answer as it streams: `async for` it (once) for each
    piece of text; `done` is set when it ends."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response)
        self._reader = _streams.AnswerReader()

    @property
    def done(self) -> Done | None:
        """How the answer ended, once it has."""
        return self._reader.done

    async def __aiter__(self) -> AsyncIterator[str]:
        async for message in self._messages():
            text = self._reader.token(message)
            if text is not None:
                yield text
            if self._reader.done is not None:
                await self.aclose()
                return
        self._reader.ended()

    async def text(self) -> str:
        """The whole answer, waiting for its end."""
        return "".join([piece async for piece in self])

    async def __aenter__(self) -> AsyncAnswer:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class AsyncEvents(_AsyncStream):
    """The node's events as they come; `async for` them (once) until you
    close it."""

    async def __aiter__(self) -> AsyncIterator[Event]:
        async for message in self._messages():
            yield _streams.event(message)

    async def __aenter__(self) -> AsyncEvents:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
