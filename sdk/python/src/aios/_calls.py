"""Each route as a request to make and a way to read its answer, shared by
`Client` and `AsyncClient` so the two differ only in how they wait."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from . import _json
from .audit import AuditCheck, AuditPage
from .errors import ProtocolError, api_error
from .store import Stored, StoreListing, StoreObject
from .types import Agent, Deployed, Health, Image, Memory, Reply, Spawned

T = TypeVar("T")

JSON = "application/json"


@dataclass(frozen=True)
class Request:
    """One request. `wait` is how long the node may take on purpose (an
    intent's `timeout_ms`, a stream's quiet), so the client's read timeout
    is not shorter."""

    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = None
    wait: float = 0.0


@dataclass(frozen=True)
class Call(Generic[T]):
    """A request and the reading of its answer."""

    request: Request
    read: Callable[[httpx.Response], T]


def segment(value: str | int) -> str:
    """A path segment percent-encoded whole: `/` in a key is `%2F`, not a
    new segment; non-ASCII is its UTF-8 bytes."""
    return quote(str(value), safe="")


def with_query(path: str, **values: str | int | None) -> str:
    """`path` with the values that are not None as its query."""
    pairs = [
        f"{name}={quote(str(value), safe='')}"
        for name, value in values.items()
        if value is not None
    ]
    return f"{path}?{'&'.join(pairs)}" if pairs else path


def checked(response: httpx.Response) -> httpx.Response:
    """The response if it is a success, else the refusal as an ApiError."""
    if not 200 <= response.status_code < 300:
        raise api_error(response.status_code, response.content)
    return response


def json_body(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _json_of(response: httpx.Response, what: str) -> Any:
    return _json.parse(checked(response).content, what)


def health() -> Call[Health]:
    return Call(Request("GET", "/health"), lambda r: Health.from_json(_json_of(r, "health")))


def metrics() -> Call[str]:
    return Call(Request("GET", "/metrics"), lambda r: checked(r).text)


def agents() -> Call[list[Agent]]:
    def read(response: httpx.Response) -> list[Agent]:
        items = _json.array(_json_of(response, "agents"), "agents")
        return [Agent.from_json(item) for item in items]

    return Call(Request("GET", "/v1/agents"), read)


def spawn(image: str) -> Call[Spawned]:
    request = Request("POST", "/v1/agents", json_body({"image": image}), JSON)
    return Call(request, lambda r: Spawned.from_json(_json_of(r, "spawn")))


def kill(agent: int) -> Call[None]:
    def read(response: httpx.Response) -> None:
        checked(response)

    return Call(Request("DELETE", f"/v1/agents/{segment(agent)}"), read)


def deploy(image: bytes) -> Call[Deployed]:
    request = Request("POST", "/v1/images", image, "application/octet-stream")
    return Call(request, lambda r: Deployed.from_json(_json_of(r, "deploy")))


def images() -> Call[list[Image]]:
    def read(response: httpx.Response) -> list[Image]:
        items = _json.array(_json_of(response, "images"), "images")
        return [Image.from_json(item) for item in items]

    return Call(Request("GET", "/v1/images"), read)


def send(intent: str, body: Any, timeout_ms: int | None) -> Call[Reply]:
    path = with_query(f"/v1/intents/{segment(intent)}", timeout_ms=timeout_ms)
    # The node waits 10 s for a reply unless told otherwise.
    wait = (timeout_ms if timeout_ms is not None else 10_000) / 1000
    request = Request("POST", path, json_body(body), JSON, wait)
    return Call(request, lambda r: Reply.from_json(_json_of(r, "intent reply")))


def remember(text: str, tags: list[str] | None) -> Call[str]:
    memo: dict[str, Any] = {"text": text}
    if tags is not None:
        memo["tags"] = list(tags)

    def read(response: httpx.Response) -> str:
        return _json.Fields(_json_of(response, "remember"), "remember").text("key")

    return Call(Request("POST", "/v1/memory", json_body(memo), JSON), read)


def recall(query: str, k: int | None) -> Call[list[Memory]]:
    def read(response: httpx.Response) -> list[Memory]:
        items = _json.array(_json_of(response, "recall"), "recall")
        return [Memory.from_json(item) for item in items]

    return Call(Request("GET", with_query("/v1/memory", q=query, k=k)), read)


def store_get(namespace: str, key: str) -> Call[StoreObject]:
    def read(response: httpx.Response) -> StoreObject:
        checked(response)
        content_type = response.headers.get("content-type", "application/octet-stream")
        return StoreObject(response.content, content_type, _version(response.headers.get("etag")))

    return Call(Request("GET", f"/v1/store/{segment(namespace)}/{segment(key)}"), read)


def store_put(namespace: str, key: str, data: bytes, content_type: str) -> Call[Stored]:
    def read(response: httpx.Response) -> Stored:
        value = _json_of(response, "store put")
        return Stored.from_json(value, created=response.status_code == 201)

    path = f"/v1/store/{segment(namespace)}/{segment(key)}"
    return Call(Request("PUT", path, data, content_type), read)


def store_list(
    namespace: str, prefix: str | None, after: str | None, limit: int | None
) -> Call[StoreListing]:
    path = with_query(f"/v1/store/{segment(namespace)}", prefix=prefix, after=after, limit=limit)
    return Call(
        Request("GET", path), lambda r: StoreListing.from_json(_json_of(r, "store listing"))
    )


def audit_export(from_seq: int | None, limit: int | None) -> Call[AuditPage]:
    path = with_query("/v1/audit", **{"from": from_seq, "limit": limit})
    return Call(Request("GET", path), lambda r: AuditPage.from_json(_json_of(r, "audit page")))


def audit_verify() -> Call[AuditCheck]:
    return Call(
        Request("GET", "/v1/audit/verify"),
        lambda r: AuditCheck.from_json(_json_of(r, "audit check")),
    )


def _version(etag: str | None) -> int | None:
    """The object's version from its ETag (`"3"`)."""
    if etag is None:
        return None
    try:
        return int(etag.strip().strip('"'))
    except ValueError:
        raise ProtocolError(f"store get: ETag {etag!r} is not a version") from None
