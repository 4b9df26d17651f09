"""The node's object store, as typed values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._json import Fields


@dataclass(frozen=True)
class StoreObject:
    """An object read whole: its bytes, content type and version."""

    data: bytes
    content_type: str
    version: int | None

    def text(self) -> str:
        """The bytes as UTF-8 text."""
        return self.data.decode("utf-8")


@dataclass(frozen=True)
class Stored:
    """What `put` wrote; `created` is false when it replaced an object."""

    namespace: str
    key: str
    size: int
    created: bool

    @classmethod
    def from_json(cls, value: Any, created: bool) -> Stored:
        f = Fields(value, "stored object")
        return cls(f.text("namespace"), f.text("key"), f.integer("size"), created)


@dataclass(frozen=True)
class ObjectInfo:
    """One object of a listing; `version` is 1 on creation, `modified_ns`
    nanoseconds since the node's boot at the time."""

    key: str
    size: int
    content_type: str
    version: int
    modified_ns: int

    @classmethod
    def from_json(cls, value: Any) -> ObjectInfo:
        f = Fields(value, "store object")
        return cls(
            f.text("key"),
            f.integer("size"),
            f.text("content_type"),
            f.integer("version"),
            f.integer("modified_ns"),
        )


@dataclass(frozen=True)
class StoreListing:
    """A page of a namespace's objects in key order; if `more`, ask again
    with `after` the last key."""

    objects: list[ObjectInfo]
    more: bool

    @classmethod
    def from_json(cls, value: Any) -> StoreListing:
        f = Fields(value, "store listing")
        return cls([ObjectInfo.from_json(item) for item in f.items("objects")], f.flag("more"))
