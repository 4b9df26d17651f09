"""The client's errors, streams and options, against a fake node."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from fake_node import TOKEN, URL, Node, answer, refusal, sent_json, stream

import aios

ASK = [
    b'event: token\ndata: {"text":"The"}\n\n',
    b'event: token\ndata: {"text":" cap',  # an event cut between chunks
    b'ital"}\n\n: keep-alive\n\n',
    b'event: done\ndata: {"finish":"length","generated":2,"prompt_tokens":36}\n\n',
]


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, aios.BadRequest),
        (401, aios.Unauthorized),
        (403, aios.Forbidden),
        (404, aios.NotFound),
        (408, aios.Timeout),
        (409, aios.Conflict),
        (413, aios.TooLarge),
        (422, aios.Unprocessable),
        (502, aios.AgentFailed),
        (503, aios.Unavailable),
        (504, aios.Timeout),
        (507, aios.InsufficientStorage),
    ],
)
def test_refusals_raise_by_status_with_the_message(status: int, kind: type[aios.ApiError]) -> None:
    node = Node([refusal(status, "why not")])
    with pytest.raises(kind) as raised:
        node.client().send("demo.echo", {"text": "hi"})
    assert raised.value.status == status
    assert raised.value.message == "why not"
    assert isinstance(raised.value, aios.ApiError)


def test_a_status_without_a_class_is_an_api_error() -> None:
    node = Node([refusal(405, "use GET")])
    with pytest.raises(aios.ApiError) as raised:
        node.client().agents()
    assert type(raised.value) is aios.ApiError
    assert (raised.value.status, raised.value.message) == (405, "use GET")


def test_a_refusal_that_is_not_json_keeps_its_text() -> None:
    node = Node([httpx.Response(500, text="kernel said no\n")])
    with pytest.raises(aios.ApiError, match="kernel said no") as raised:
        node.client().health()
    assert raised.value.message == "kernel said no"


@pytest.mark.parametrize(
    "body",
    [
        [{"id": "4", "name": "echo", "state": "running"}],
        [{"id": True, "name": "echo", "state": "running"}],
        [{"id": 4, "name": "echo"}],
        {"agents": []},
    ],
)
def test_answers_off_the_documented_shape_are_protocol_errors(body: object) -> None:
    with pytest.raises(aios.ProtocolError):
        Node([answer(200, body)]).client().agents()


def test_an_unknown_image_source_is_a_protocol_error() -> None:
    node = Node([answer(200, [{"name": "x", "source": "usb", "start_at_boot": True}])])
    with pytest.raises(aios.ProtocolError, match="usb"):
        node.client().images()


def test_a_failed_connection_is_a_transport_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = aios.Client(URL, TOKEN, ca=True, transport=httpx.MockTransport(refuse))
    with pytest.raises(aios.TransportError, match="connection refused"):
        client.health()


def test_without_a_token_no_authorization_is_sent() -> None:
    node = Node([answer(200, {"status": "ok", "version": "1", "uptime_seconds": 0, "agents": 0})])
    client = aios.Client(URL, None, ca=True, transport=httpx.MockTransport(node.handle))
    client.health()
    assert "Authorization" not in node.last.headers


def test_tls_verification_cannot_be_turned_off() -> None:
    with pytest.raises(ValueError, match="cannot be turned off"):
        aios.Client(URL, TOKEN, ca=False)


def test_a_missing_ca_file_is_said_at_once(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no CA file"):
        aios.Client(URL, TOKEN, ca=tmp_path / "absent.pem")


def test_plain_http_is_refused() -> None:
    with pytest.raises(ValueError, match="HTTPS only"):
        aios.Client("http://127.0.0.1:8443", TOKEN, ca=True)


def test_send_waits_longer_than_the_nodes_wait() -> None:
    reply = {"intent": "slow", "from": 3, "reply": None}
    node = Node([answer(200, reply), answer(200, reply)])
    client = aios.Client(URL, TOKEN, ca=True, timeout=5, transport=httpx.MockTransport(node.handle))
    client.send("slow", {}, timeout_ms=60_000)
    assert node.last.extensions["timeout"]["read"] == 65.0
    assert node.last.extensions["timeout"]["connect"] == 5
    client.send("slow", {})
    assert node.last.extensions["timeout"]["read"] == 15.0
    assert node.last.url.raw_path == b"/v1/intents/slow"


def test_deploy_reads_a_file(tmp_path: Path) -> None:
    image = tmp_path / "weather.aios"
    image.write_bytes(b"\x01\x02signed")
    node = Node([answer(201, {"name": "weather", "publisher": "acme", "size": 8})])
    assert node.client().deploy(image) == aios.Deployed("weather", "acme", 8)
    assert node.last.content == b"\x01\x02signed"


def test_deploy_refused_is_unprocessable() -> None:
    node = Node([refusal(422, "signature does not verify")])
    with pytest.raises(aios.Unprocessable, match="signature"):
        node.client().deploy(b"forged")


def test_store_put_replaced_and_explicit_content_type() -> None:
    node = Node([answer(200, {"namespace": "n", "key": "k", "size": 2})])
    stored = node.client().store.put("n", "k", b"{}", content_type="application/json")
    assert stored == aios.Stored("n", "k", 2, created=False)
    assert node.last.headers["Content-Type"] == "application/json"
    assert node.last.content == b"{}"


def test_store_put_bytes_default_to_octets() -> None:
    node = Node([answer(201, {"namespace": "n", "key": "k", "size": 1})])
    node.client().store.put("n", "k", b"\xff")
    assert node.last.headers["Content-Type"] == "application/octet-stream"


def test_store_get_without_etag_and_text() -> None:
    node = Node([httpx.Response(200, content="é".encode(), headers={"Content-Type": "text/plain"})])
    got = node.client().store.get("n", "k")
    assert got.version is None and got.text() == "é"


def test_store_list_all_pages_on_after_the_last_key() -> None:
    def page(keys: list[str], more: bool) -> httpx.Response:
        objects = [
            {"key": k, "size": 1, "content_type": "x", "version": 1, "modified_ns": 0} for k in keys
        ]
        return answer(200, {"objects": objects, "more": more})

    node = Node([page(["a/1", "a/2"], True), page(["a/3"], False)])
    found = node.client().store.list_all("n", prefix="a/")
    assert [o.key for o in found] == ["a/1", "a/2", "a/3"]
    assert node.requests[0].url.raw_path == b"/v1/store/n?prefix=a%2F"
    assert node.requests[1].url.raw_path == b"/v1/store/n?prefix=a%2F&after=a%2F2"


def test_audit_page_follows_on_and_checks_its_links() -> None:
    record = {"time_ns": 0, "kind": "api", "agent": 0, "detail": ""}
    records = [
        {**record, "seq": 5, "prev_hash": "00", "hash": "11"},
        {**record, "seq": 6, "prev_hash": "11", "hash": "22"},
    ]
    page = {"first_seq": 5, "next_seq": 9, "public_key": "", "records": records, "checkpoints": []}
    node = Node([answer(200, page), answer(200, {**page, "next_seq": 7})])
    client = node.client()
    first = client.audit_export()
    assert node.last.url.raw_path == b"/v1/audit"
    assert first.next_from == 7 and first.links()
    assert client.audit_export().next_from is None
    broken = aios.AuditPage(5, 9, "", [first.records[1], first.records[0]], [])
    assert not broken.links()


def test_audit_verify_reports_the_problem() -> None:
    node = Node(
        [answer(200, {"ok": False, "records": 3, "checked_from": 0, "problem": "bad link"})]
    )
    assert node.client().audit_verify() == aios.AuditCheck(False, 3, 0, None, "bad link")


def test_remember_without_tags_sends_none() -> None:
    node = Node([answer(201, {"key": "m1"})])
    node.client().remember("note")
    assert sent_json(node.last) == {"text": "note"}


def test_ask_streams_tokens_then_done() -> None:
    node = Node([stream(*ASK)])
    with node.client().ask("Capital of France?", max_tokens=2, temperature=0.5) as answer_:
        assert answer_.done is None
        assert list(answer_) == ["The", " capital"]
        assert answer_.done == aios.Done("length", 2, 36)
    assert node.last.url.raw_path == b"/v1/ask"
    assert sent_json(node.last) == {
        "prompt": "Capital of France?",
        "max_tokens": 2,
        "temperature": 0.5,
    }
    assert node.last.extensions["timeout"]["read"] >= 20


def test_ask_text_collects_the_answer() -> None:
    answer_ = Node([stream(*ASK)]).client().ask("q", conversation="trip")
    assert answer_.text() == "The capital"
    assert answer_.done is not None and answer_.done.generated == 2


def test_ask_error_event_raises() -> None:
    node = Node(
        [
            stream(
                b'event: token\ndata: {"text":"a"}\n\nevent: error\ndata: {"error":"model gone"}\n\n'
            )
        ]
    )
    answer_ = node.client().ask("q")
    pieces = []
    with pytest.raises(aios.StreamError, match="model gone"):
        for piece in answer_:
            pieces.append(piece)
    assert pieces == ["a"]


def test_ask_cut_before_done_is_a_protocol_error() -> None:
    node = Node([stream(b'event: token\ndata: {"text":"a"}\n\n')])
    with pytest.raises(aios.ProtocolError, match="before its done"):
        node.client().ask("q").text()


def test_ask_refused_before_streaming() -> None:
    node = Node([refusal(503, "no model on this node")])
    with pytest.raises(aios.Unavailable, match="no model"):
        node.client().ask("q")


def sse(name: str, **data: object) -> bytes:
    """One server-sent event whose data is `data` as JSON."""
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


EVENTS = [
    b": keep-alive\n\n",
    sse("agent", seq=1, time_ns=2, category="agent", agent=9, state="running"),
    sse(
        "ipc",
        **{"seq": 2, "time_ns": 3, "category": "ipc", "from": 3, "to": 4},
        intent="demo.echo",
        outcome="delivered",
    ),
    sse(
        "capability",
        seq=3,
        time_ns=4,
        category="capability",
        agent=4,
        kind="store",
        action="granted",
    ),
    sse(
        "policy",
        seq=4,
        time_ns=5,
        category="policy",
        agent=4,
        operation="store_put",
        resource="x",
        effect="deny",
    ),
    sse("device", seq=5, time_ns=6, category="device", device="virtio-blk", state="ready"),
    sse("security", seq=6, time_ns=7, category="security", alert="fault", detail="d"),
    sse("radio", seq=7, time_ns=8, category="radio", band="x"),
]


def test_events_are_typed_by_category() -> None:
    node = Node([stream(*EVENTS)])
    with node.client().events(categories=["agent", "ipc"], agent=9) as events:
        received = list(events)
    assert node.last.url.raw_path == b"/v1/events?categories=agent,ipc&agent=9"
    assert received == [
        aios.AgentEvent(1, 2, 9, "running"),
        aios.IpcEvent(2, 3, 3, 4, "demo.echo", "delivered"),
        aios.CapabilityEvent(3, 4, 4, "store", "granted", None),
        aios.PolicyEvent(4, 5, 4, "store_put", "x", "deny"),
        aios.DeviceEvent(5, 6, "virtio-blk", "ready"),
        aios.SecurityEvent(6, 7, None, "fault", "d"),
        aios.OtherEvent(7, 8, "radio", {"seq": 7, "time_ns": 8, "category": "radio", "band": "x"}),
    ]


def test_an_event_that_is_not_json_is_a_protocol_error() -> None:
    node = Node([stream(b"event: agent\ndata: {not json\n\n")])
    with pytest.raises(aios.ProtocolError, match="agent event"):
        list(node.client().events())


def test_async_streams() -> None:
    node = Node([stream(*ASK), stream(*EVENTS[:2])])

    async def run() -> tuple[list[str], aios.Done | None, list[aios.Event]]:
        async with node.async_client() as client:
            async with await client.ask("q") as answer_:
                pieces = [piece async for piece in answer_]
            async with await client.events() as events:
                received = [event async for event in events]
            return pieces, answer_.done, received

    pieces, done, received = asyncio.run(run())
    assert pieces == ["The", " capital"]
    assert done == aios.Done("length", 2, 36)
    assert received == [aios.AgentEvent(1, 2, 9, "running")]


def test_async_refusal_and_text() -> None:
    node = Node([refusal(401, "unknown token"), stream(*ASK)])

    async def run() -> str:
        async with node.async_client() as client:
            with pytest.raises(aios.Unauthorized):
                await client.agents()
            return await (await client.ask("q")).text()

    assert asyncio.run(run()) == "The capital"
