"""The node's events (`GET /v1/events`) as typed values, one class per
category; `OtherEvent` keeps a category this SDK does not know yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._json import Fields, parse
from .sse import ServerEvent


@dataclass(frozen=True)
class AgentEvent:
    """An agent changed state (`running`, `blocked`, `exited`, …)."""

    seq: int
    time_ns: int
    agent: int
    state: str


@dataclass(frozen=True)
class IpcEvent:
    """A message for `intent` went from one agent to another; `outcome`
    says what became of it (`delivered`, `pushed_back`, …)."""

    seq: int
    time_ns: int
    from_: int
    to: int
    intent: str
    outcome: str


@dataclass(frozen=True)
class CapabilityEvent:
    """A capability of `kind` was granted, used or revoked (`action`),
    with the other agent involved if any."""

    seq: int
    time_ns: int
    agent: int
    kind: str
    action: str
    peer: int | None


@dataclass(frozen=True)
class PolicyEvent:
    """The policy decided `operation` on `resource` for an agent."""

    seq: int
    time_ns: int
    agent: int
    operation: str
    resource: str
    effect: str


@dataclass(frozen=True)
class DeviceEvent:
    """A device changed state."""

    seq: int
    time_ns: int
    device: str
    state: str


@dataclass(frozen=True)
class SecurityEvent:
    """A security alert, about an agent or the node."""

    seq: int
    time_ns: int
    agent: int | None
    alert: str
    detail: str


@dataclass(frozen=True)
class OtherEvent:
    """An event of a category this SDK does not know, with its JSON."""

    seq: int
    time_ns: int
    category: str
    fields: dict[str, Any]


Event = (
    AgentEvent | IpcEvent | CapabilityEvent | PolicyEvent | DeviceEvent | SecurityEvent | OtherEvent
)


def event_from_sse(message: ServerEvent) -> Event:
    """The typed event in one server-sent event (named by its category,
    its data the event as JSON)."""
    value = parse(message.data.encode("utf-8"), f"{message.event} event")
    f = Fields(value, f"{message.event} event")
    seq, time_ns = f.integer("seq"), f.integer("time_ns")
    category = f.text("category")
    if category == "agent":
        return AgentEvent(seq, time_ns, f.integer("agent"), f.text("state"))
    if category == "ipc":
        return IpcEvent(
            seq, time_ns, f.integer("from"), f.integer("to"), f.text("intent"), f.text("outcome")
        )
    if category == "capability":
        peer = f.integer("peer") if f.has("peer") else None
        return CapabilityEvent(
            seq, time_ns, f.integer("agent"), f.text("kind"), f.text("action"), peer
        )
    if category == "policy":
        return PolicyEvent(
            seq,
            time_ns,
            f.integer("agent"),
            f.text("operation"),
            f.text("resource"),
            f.text("effect"),
        )
    if category == "device":
        return DeviceEvent(seq, time_ns, f.text("device"), f.text("state"))
    if category == "security":
        agent = f.integer("agent") if f.has("agent") else None
        return SecurityEvent(seq, time_ns, agent, f.text("alert"), f.text("detail"))
    return OtherEvent(seq, time_ns, category, dict(value))
