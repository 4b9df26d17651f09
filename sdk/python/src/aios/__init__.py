"""Python SDK for an AIOS node's HTTPS API (docs/api.md)."""

from .async_client import AsyncAnswer, AsyncClient, AsyncEvents, AsyncStore
from .audit import AuditCheck, AuditPage, AuditRecord, Checkpoint
from .client import Answer, Client, Events, Store
from .errors import (
    AgentFailed,
    ApiError,
    BadRequest,
    Conflict,
    Error,
    Forbidden,
    InsufficientStorage,
    NotFound,
    ProtocolError,
    StreamError,
    TooLarge,
    TransportError,
    Timeout,
    Unauthorized,
    Unavailable,
    Unprocessable,
)
from .events import (
    AgentEvent,
    CapabilityEvent,
    DeviceEvent,
    Event,
    IpcEvent,
    OtherEvent,
    PolicyEvent,
    SecurityEvent,
)
from .metrics import Sample, find, parse_metrics
from .sse import ServerEvent, SseDecoder
from .store import ObjectInfo, StoreListing, StoreObject, Stored
from .types import Agent, Deployed, Done, Health, Image, Memory, Reply, Spawned

__version__ = "0.1.0"

__all__ = [
    "AgentEvent", "AgentFailed", "Agent", "Answer", "ApiError", "AsyncAnswer", "AsyncClient",
    "AsyncEvents", "AsyncStore", "AuditCheck", "AuditPage", "AuditRecord", "BadRequest",
    "CapabilityEvent", "Checkpoint", "Client", "Conflict", "Deployed", "DeviceEvent", "Done",
    "Error", "Event", "Events", "Forbidden", "Health", "Image", "InsufficientStorage", "IpcEvent",
    "Memory", "NotFound", "ObjectInfo", "OtherEvent", "PolicyEvent", "ProtocolError", "Reply",
    "Sample", "SecurityEvent", "ServerEvent", "Spawned", "SseDecoder", "Store", "StoreListing",
    "StoreObject", "Stored", "StreamError", "Timeout", "TooLarge", "TransportError",
    "Unauthorized", "Unavailable", "Unprocessable", "find", "parse_metrics",
]
