"""The audit log's export and check, as typed values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._json import Fields


@dataclass(frozen=True)
class AuditRecord:
    """One record of the hash chain; `agent` is 0 for the kernel, hashes
    are SHA3-256 in hex."""

    seq: int
    time_ns: int
    kind: str
    agent: int
    detail: str
    prev_hash: str
    hash: str

    @classmethod
    def from_json(cls, value: Any) -> AuditRecord:
        f = Fields(value, "audit record")
        return cls(
            f.integer("seq"),
            f.integer("time_ns"),
            f.text("kind"),
            f.integer("agent"),
            f.text("detail"),
            f.text("prev_hash"),
            f.text("hash"),
        )


@dataclass(frozen=True)
class Checkpoint:
    """A signed checkpoint: ML-DSA-65 over `[seq, hash]` (context
    `aios-audit-v1`), covering every record up to `seq`."""

    seq: int
    hash: str
    signature: str

    @classmethod
    def from_json(cls, value: Any) -> Checkpoint:
        f = Fields(value, "checkpoint")
        return cls(f.integer("seq"), f.text("hash"), f.text("signature"))


@dataclass(frozen=True)
class AuditPage:
    """A page of the audit log, oldest first; page on from `next_from`."""

    first_seq: int
    next_seq: int
    public_key: str
    records: list[AuditRecord]
    checkpoints: list[Checkpoint]

    @property
    def next_from(self) -> int | None:
        """Where the next page starts, or None if this page reached the
        log's end."""
        if not self.records:
            return None
        following = self.records[-1].seq + 1
        return following if following < self.next_seq else None

    def links(self) -> bool:
        """Whether each record's `prev_hash` is the hash of the record
        before it (what can be checked without the kind codes and ML-DSA)."""
        return all(
            later.prev_hash == earlier.hash
            for earlier, later in zip(self.records, self.records[1:])
        )

    @classmethod
    def from_json(cls, value: Any) -> AuditPage:
        f = Fields(value, "audit page")
        return cls(
            f.integer("first_seq"),
            f.integer("next_seq"),
            f.text("public_key"),
            [AuditRecord.from_json(item) for item in f.items("records")],
            [Checkpoint.from_json(item) for item in f.items("checkpoints")],
        )


@dataclass(frozen=True)
class AuditCheck:
    """The node's check of its chain: `problem` says what is wrong when
    `ok` is false; `signed_through` is the last record a signature covers."""

    ok: bool
    records: int
    checked_from: int
    signed_through: int | None
    problem: str | None

    @classmethod
    def from_json(cls, value: Any) -> AuditCheck:
        f = Fields(value, "audit check")
        return cls(
            f.flag("ok"),
            f.integer("records"),
            f.integer("checked_from"),
            f.integer("signed_through") if f.has("signed_through") else None,
            f.text("problem") if f.has("problem") else None,
        )
