"""What the node answers, as typed values (docs/api.md names each shape)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ._json import Fields
from .errors import ProtocolError


@dataclass(frozen=True)
class Health:
    """`GET /health`: the node is up."""

    status: str
    version: str
    uptime_seconds: int
    agents: int

    @classmethod
    def from_json(cls, value: Any) -> Health:
        f = Fields(value, "health")
        return cls(
            f.text("status"), f.text("version"), f.integer("uptime_seconds"), f.integer("agents")
        )


@dataclass(frozen=True)
class Agent:
    """One agent the node knows, alive or ended."""

    id: int
    name: str
    state: str

    @classmethod
    def from_json(cls, value: Any) -> Agent:
        f = Fields(value, "agent")
        return cls(f.integer("id"), f.text("name"), f.text("state"))


@dataclass(frozen=True)
class Spawned:
    """The agent `spawn` started."""

    id: int
    name: str

    @classmethod
    def from_json(cls, value: Any) -> Spawned:
        f = Fields(value, "spawned agent")
        return cls(f.integer("id"), f.text("name"))


@dataclass(frozen=True)
class Deployed:
    """The signed image `deploy` gave the node."""

    name: str
    publisher: str
    size: int

    @classmethod
    def from_json(cls, value: Any) -> Deployed:
        f = Fields(value, "deployed image")
        return cls(f.text("name"), f.text("publisher"), f.integer("size"))


@dataclass(frozen=True)
class Image:
    """An image the node can spawn: from its bundle or deployed since.
    `refused` says why the node refused it at load, if it did."""

    name: str
    source: Literal["bundle", "deployed"]
    start_at_boot: bool
    refused: str | None

    @classmethod
    def from_json(cls, value: Any) -> Image:
        f = Fields(value, "image")
        source = f.text("source")
        if source == "bundle":
            kind: Literal["bundle", "deployed"] = "bundle"
        elif source == "deployed":
            kind = "deployed"
        else:
            raise ProtocolError(f"image: unknown source {source!r}")
        refused = f.text("refused") if f.has("refused") else None
        return cls(f.text("name"), kind, f.flag("start_at_boot"), refused)


@dataclass(frozen=True)
class Reply:
    """An intent's reply: which agent (`from_`) answered, and its body
    (the reply's CBOR as JSON; byte strings as `"h'<hex>'"`)."""

    intent: str
    from_: int
    reply: Any

    @classmethod
    def from_json(cls, value: Any) -> Reply:
        f = Fields(value, "intent reply")
        return cls(f.text("intent"), f.integer("from"), f.raw("reply"))


@dataclass(frozen=True)
class Done:
    """How an answer from `ask` ended: `finish` is why (`stop`, `length`,
    …), `generated` the tokens it produced, `prompt_tokens` the prompt's."""

    finish: str
    generated: int
    prompt_tokens: int

    @classmethod
    def from_json(cls, value: Any) -> Done:
        f = Fields(value, "done")
        return cls(f.text("finish"), f.integer("generated"), f.integer("prompt_tokens"))


@dataclass(frozen=True)
class Memory:
    """A remembered text `recall` found, with its cosine similarity."""

    key: str
    score: float
    text: str
    tags: list[str]

    @classmethod
    def from_json(cls, value: Any) -> Memory:
        f = Fields(value, "memory")
        return cls(f.text("key"), f.number("score"), f.text("text"), f.texts("tags"))
