"""Every call of both clients: the request it makes and what it returns."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fake_node import TOKEN, Node, answer, sent_json

import aios

AGENT = {"id": 4, "name": "echo", "state": "running"}
RECORD = {
    "seq": 7,
    "time_ns": 100,
    "kind": "spawn",
    "agent": 4,
    "detail": "echo",
    "prev_hash": "aa",
    "hash": "bb",
}


@dataclass
class Route:
    """A call made the same way on `Client` and `AsyncClient`."""

    name: str
    call: Callable[[Any], Any]
    answer: Callable[[], httpx.Response]
    method: str
    path: bytes
    body: Any
    content_type: str | None
    result: Any


ROUTES = [
    Route(
        "health",
        lambda c: c.health(),
        lambda: answer(200, {"status": "ok", "version": "0.1.0", "uptime_seconds": 5, "agents": 2}),
        "GET",
        b"/health",
        None,
        None,
        aios.Health("ok", "0.1.0", 5, 2),
    ),
    Route(
        "metrics",
        lambda c: c.metrics(),
        lambda: httpx.Response(200, text="aios_uptime_seconds 5\n"),
        "GET",
        b"/metrics",
        None,
        None,
        "aios_uptime_seconds 5\n",
    ),
    Route(
        "agents",
        lambda c: c.agents(),
        lambda: answer(200, [AGENT]),
        "GET",
        b"/v1/agents",
        None,
        None,
        [aios.Agent(4, "echo", "running")],
    ),
    Route(
        "spawn",
        lambda c: c.spawn("echo"),
        lambda: answer(201, {"id": 4, "name": "echo"}),
        "POST",
        b"/v1/agents",
        {"image": "echo"},
        "application/json",
        aios.Spawned(4, "echo"),
    ),
    Route(
        "kill",
        lambda c: c.kill(4),
        lambda: httpx.Response(204),
        "DELETE",
        b"/v1/agents/4",
        None,
        None,
        None,
    ),
    Route(
        "deploy",
        lambda c: c.deploy(b"\x00signed image"),
        lambda: answer(201, {"name": "weather", "publisher": "acme", "size": 13}),
        "POST",
        b"/v1/images",
        b"\x00signed image",
        "application/octet-stream",
        aios.Deployed("weather", "acme", 13),
    ),
    Route(
        "images",
        lambda c: c.images(),
        lambda: answer(
            200,
            [
                {"name": "echo", "source": "bundle", "start_at_boot": False},
                {"name": "bad", "source": "deployed", "start_at_boot": False, "refused": "sig"},
            ],
        ),
        "GET",
        b"/v1/images",
        None,
        None,
        [aios.Image("echo", "bundle", False, None), aios.Image("bad", "deployed", False, "sig")],
    ),
    Route(
        "send",
        lambda c: c.send("demo.echo", {"text": "hé"}, timeout_ms=2500),
        lambda: answer(200, {"intent": "demo.echo", "from": 4, "reply": {"text": "hé"}}),
        "POST",
        b"/v1/intents/demo.echo?timeout_ms=2500",
        {"text": "hé"},
        "application/json",
        aios.Reply("demo.echo", 4, {"text": "hé"}),
    ),
    Route(
        "remember",
        lambda c: c.remember("the sky is blue", tags=["sky"]),
        lambda: answer(201, {"key": "m0123456789abcdef"}),
        "POST",
        b"/v1/memory",
        {"text": "the sky is blue", "tags": ["sky"]},
        "application/json",
        "m0123456789abcdef",
    ),
    Route(
        "recall",
        lambda c: c.recall("a+b c&k=9", k=3),
        lambda: answer(200, [{"key": "m1", "score": 0.5, "text": "t", "tags": []}]),
        "GET",
        b"/v1/memory?q=a%2Bb%20c%26k%3D9&k=3",
        None,
        None,
        [aios.Memory("m1", 0.5, "t", [])],
    ),
    Route(
        "store.get",
        lambda c: c.store.get("notes", "a/b c%+é"),
        lambda: httpx.Response(
            200, content=b"hi", headers={"Content-Type": "text/plain", "ETag": '"3"'}
        ),
        "GET",
        b"/v1/store/notes/a%2Fb%20c%25%2B%C3%A9",
        None,
        None,
        aios.StoreObject(b"hi", "text/plain", 3),
    ),
    Route(
        "store.put",
        lambda c: c.store.put("notes", "a/b", "hé"),
        lambda: answer(201, {"namespace": "notes", "key": "a/b", "size": 3}),
        "PUT",
        b"/v1/store/notes/a%2Fb",
        "hé".encode(),
        "text/plain; charset=utf-8",
        aios.Stored("notes", "a/b", 3, created=True),
    ),
    Route(
        "store.list",
        lambda c: c.store.list("notes", prefix="a b", after="a/1", limit=2),
        lambda: answer(
            200,
            {
                "objects": [
                    {
                        "key": "a b/2",
                        "size": 1,
                        "content_type": "text/plain",
                        "version": 2,
                        "modified_ns": 9,
                    }
                ],
                "more": True,
            },
        ),
        "GET",
        b"/v1/store/notes?prefix=a%20b&after=a%2F1&limit=2",
        None,
        None,
        aios.StoreListing([aios.ObjectInfo("a b/2", 1, "text/plain", 2, 9)], more=True),
    ),
    Route(
        "audit_export",
        lambda c: c.audit_export(from_seq=7, limit=1),
        lambda: answer(
            200,
            {
                "first_seq": 0,
                "next_seq": 9,
                "public_key": "00ff",
                "records": [RECORD],
                "checkpoints": [{"seq": 7, "hash": "bb", "signature": "cc"}],
            },
        ),
        "GET",
        b"/v1/audit?from=7&limit=1",
        None,
        None,
        aios.AuditPage(
            0,
            9,
            "00ff",
            [aios.AuditRecord(7, 100, "spawn", 4, "echo", "aa", "bb")],
            [aios.Checkpoint(7, "bb", "cc")],
        ),
    ),
    Route(
        "audit_verify",
        lambda c: c.audit_verify(),
        lambda: answer(200, {"ok": True, "records": 9, "checked_from": 0, "signed_through": 8}),
        "GET",
        b"/v1/audit/verify",
        None,
        None,
        aios.AuditCheck(True, 9, 0, 8, None),
    ),
]


def check_request(route: Route, request: httpx.Request) -> None:
    assert request.method == route.method
    assert request.url.raw_path == route.path
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers.get("Content-Type") == route.content_type
    if route.body is None:
        assert request.content == b""
    elif isinstance(route.body, bytes):
        assert request.content == route.body
    else:
        assert sent_json(request) == route.body


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_sync_call(route: Route) -> None:
    node = Node([route.answer()])
    with node.client() as client:
        assert route.call(client) == route.result
    check_request(route, node.last)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_async_call(route: Route) -> None:
    node = Node([route.answer()])

    async def run() -> Any:
        async with node.async_client() as client:
            pending: Awaitable[Any] = route.call(client)
            return await pending

    assert asyncio.run(run()) == route.result
    check_request(route, node.last)
