"""Reading the node's JSON into typed values, or a ProtocolError saying
which member is off."""

from __future__ import annotations

import json
from typing import Any

from .errors import ProtocolError


def parse(body: bytes, what: str) -> Any:
    """The JSON document in `body`."""
    try:
        return json.loads(body)
    except ValueError as error:
        raise ProtocolError(f"{what}: not JSON ({error})") from None


def array(value: Any, what: str) -> list[Any]:
    """`value` as a JSON array."""
    if not isinstance(value, list):
        raise ProtocolError(f"{what}: expected an array, got {type(value).__name__}")
    return value


class Fields:
    """The members of one JSON object, read by type."""

    def __init__(self, value: Any, what: str) -> None:
        if not isinstance(value, dict):
            raise ProtocolError(f"{what}: expected an object, got {type(value).__name__}")
        self._members: dict[str, Any] = value
        self._what = what

    def _get(self, name: str) -> Any:
        if name not in self._members:
            raise ProtocolError(f"{self._what}: member {name!r} is missing")
        return self._members[name]

    def _off(self, name: str, expected: str) -> ProtocolError:
        found = type(self._members[name]).__name__
        return ProtocolError(f"{self._what}: {name!r} should be {expected}, got {found}")

    def raw(self, name: str) -> Any:
        """A member of any JSON type."""
        return self._get(name)

    def integer(self, name: str) -> int:
        value = self._get(name)
        # bool is an int in Python; JSON's true is not a number.
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._off(name, "an integer")
        return value

    def number(self, name: str) -> float:
        value = self._get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._off(name, "a number")
        return float(value)

    def text(self, name: str) -> str:
        value = self._get(name)
        if not isinstance(value, str):
            raise self._off(name, "a string")
        return value

    def flag(self, name: str) -> bool:
        value = self._get(name)
        if not isinstance(value, bool):
            raise self._off(name, "a boolean")
        return value

    def texts(self, name: str) -> list[str]:
        value = self._get(name)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._off(name, "an array of strings")
        return list(value)

    def items(self, name: str) -> list[Any]:
        return array(self._get(name), f"{self._what}.{name}")

    def has(self, name: str) -> bool:
        """Whether an optional member is present (and not null)."""
        return self._members.get(name) is not None
