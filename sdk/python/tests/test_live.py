"""The SDK against a running node, when the environment names one:
AIOS_URL (https://127.0.0.1:8443), AIOS_CA (its CA file) and AIOS_TOKEN
(a token with every scope). The node needs the `echo` image, a data disk,
the embedding model and the language model."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator

import pytest

import aios

URL = os.environ.get("AIOS_URL")
CA = os.environ.get("AIOS_CA")
TOKEN = os.environ.get("AIOS_TOKEN")

pytestmark = pytest.mark.skipif(
    not (URL and CA and TOKEN),
    reason="no live node: set AIOS_URL, AIOS_CA and AIOS_TOKEN to run these",
)

# Unique per run: the node's store and memory outlive it.
RUN = uuid.uuid4().hex[:12]


@pytest.fixture(scope="module")
def client() -> Iterator[aios.Client]:
    assert URL and CA and TOKEN
    with aios.Client(URL, TOKEN, ca=CA) as client:
        yield client


@pytest.fixture(scope="module")
def echo(client: aios.Client) -> Iterator[aios.Spawned]:
    """An echo agent (intent `demo.echo`) for the module's tests."""
    spawned = client.spawn("echo")
    yield spawned
    client.kill(spawned.id)


def test_health(client: aios.Client) -> None:
    health = client.health()
    assert health.status == "ok" and health.version and health.agents >= 1


def test_metrics_parse(client: aios.Client) -> None:
    samples = aios.parse_metrics(client.metrics())
    uptime = aios.find(samples, "aios_uptime_seconds")
    assert uptime is not None and uptime.value >= 0
    assert aios.find(samples, "aios_cpus_online") is not None


def test_spawn_list_kill(client: aios.Client) -> None:
    spawned = client.spawn("echo")
    assert spawned.name == "echo"
    listed = {agent.id: agent for agent in client.agents()}
    assert listed[spawned.id].name == "echo"
    client.kill(spawned.id)
    # Killing ends it at the end of its slice; a second kill is refused
    # with its state once it has ended.
    deadline = time.monotonic() + 5
    while True:
        try:
            client.kill(spawned.id)
        except aios.Conflict as refused:
            assert "ended" in refused.message
            break
        assert time.monotonic() < deadline, "the killed agent never ended"
        time.sleep(0.1)


def test_send_to_echo(client: aios.Client, echo: aios.Spawned) -> None:
    reply = client.send("demo.echo", {"text": f"hello {RUN}"})
    assert reply.intent == "demo.echo"
    assert reply.reply == {"text": f"hello {RUN}"}
    echoes = {agent.id for agent in client.agents() if agent.name == "echo"}
    assert reply.from_ in echoes


def test_store_round_trip_with_a_key_to_encode(client: aios.Client) -> None:
    namespace, key = "sdk-python", f"{RUN}/a b%2F+é?#"
    first = client.store.put(namespace, key, "héllo")
    assert first == aios.Stored(namespace, key, len("héllo".encode()), created=True)
    again = client.store.put(namespace, key, b"\x00\xff", content_type="application/x-test")
    assert not again.created
    got = client.store.get(namespace, key)
    assert (got.data, got.content_type, got.version) == (b"\x00\xff", "application/x-test", 2)
    listing = client.store.list(namespace, prefix=f"{RUN}/")
    assert [(o.key, o.size, o.version) for o in listing.objects] == [(key, 2, 2)]
    assert not listing.more
    with pytest.raises(aios.NotFound):
        client.store.get(namespace, f"{RUN}/absent")


def test_audit_export_and_verify(client: aios.Client) -> None:
    page = client.audit_export(limit=50)
    assert page.records and page.public_key
    assert page.records[0].seq >= page.first_seq
    assert page.links()
    check = client.audit_verify()
    assert check.ok, check.problem
    assert check.records > 0


def test_events_carry_a_spawn(client: aios.Client) -> None:
    with client.events(categories=["agent"]) as events:
        spawned = client.spawn("echo")
        try:
            for event in events:
                assert isinstance(event, aios.AgentEvent)
                if event.agent == spawned.id:
                    break
        finally:
            client.kill(spawned.id)


def test_remember_and_recall(client: aios.Client) -> None:
    text = f"The lighthouse keeper {RUN} paints the lamp room blue every spring."
    key = client.remember(text, tags=["sdk-test"])
    assert key.startswith("m") and len(key) == 17
    found = client.recall(f"lighthouse keeper {RUN} lamp room paint", k=3)
    assert found[0].key == key
    assert found[0].text == text and found[0].tags == ["sdk-test"]
    assert -1.0 <= found[0].score <= 1.0


def test_ask_streams_tokens_then_done(client: aios.Client) -> None:
    with client.ask("Say hi.", max_tokens=3) as answer:
        pieces = list(answer)
    assert pieces and all(isinstance(piece, str) for piece in pieces)
    assert answer.done is not None
    assert 1 <= answer.done.generated <= 3 and answer.done.prompt_tokens > 0


def test_refusals(client: aios.Client) -> None:
    assert URL and CA
    with pytest.raises(aios.Unauthorized):
        aios.Client(URL, "aios_" + "0" * 64, ca=CA).agents()
    with pytest.raises(aios.NotFound, match="no such intent"):
        client.send(f"sdk.nobody.{RUN}", {})
    with pytest.raises(aios.NotFound):
        client.kill(2**40)
    with pytest.raises(aios.NotFound):
        client.spawn(f"no-image-{RUN}")
    with pytest.raises(aios.Forbidden):
        client.store.get("aios.audit", "anything")


def test_async_client(echo: aios.Spawned) -> None:
    assert URL and CA and TOKEN

    async def run() -> tuple[aios.Health, aios.Reply]:
        async with aios.AsyncClient(URL, TOKEN, ca=CA) as client:
            return await client.health(), await client.send("demo.echo", {"text": "async"})

    health, reply = asyncio.run(run())
    assert health.status == "ok"
    assert reply.reply == {"text": "async"}
