"""Samples out of the Prometheus text format 0.0.4 that `/metrics` answers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .errors import ProtocolError


@dataclass(frozen=True)
class Sample:
    """One sample line: `name{labels} value`."""

    name: str
    value: float
    labels: dict[str, str] = field(default_factory=dict)


def parse_metrics(text: str) -> list[Sample]:
    """Every sample in `text`, in order; `# HELP` and `# TYPE` lines are
    skipped, a timestamp after the value is dropped."""
    samples = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            try:
                samples.append(_sample(line))
            except ValueError as error:
                raise ProtocolError(f"metrics line {number}: {error}: {line!r}") from None
    return samples


def find(samples: list[Sample], name: str, **labels: str) -> Sample | None:
    """The first sample named `name` whose labels include `labels`."""
    for sample in samples:
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample
    return None


def _sample(line: str) -> Sample:
    brace = line.find("{")
    space = line.find(" ")
    if brace != -1 and (space == -1 or brace < space):
        name = line[:brace]
        labels, rest = _labels(line, brace + 1)
    else:
        if space == -1:
            raise ValueError("no value")
        name, labels, rest = line[:space], {}, line[space:]
    parts = rest.split()
    if not name or len(parts) not in (1, 2):
        raise ValueError("expected a name and a value")
    return Sample(name, _value(parts[0]), labels)


def _labels(line: str, at: int) -> tuple[dict[str, str], str]:
    """The label set starting at `at` (after `{`), and the text after `}`."""
    labels: dict[str, str] = {}
    while True:
        while at < len(line) and line[at] in " ,":
            at += 1
        if at < len(line) and line[at] == "}":
            return labels, line[at + 1 :]
        equals = line.find("=", at)
        if equals == -1 or equals + 1 >= len(line) or line[equals + 1] != '"':
            raise ValueError("malformed label")
        name = line[at:equals].strip()
        value, at = _quoted(line, equals + 2)
        labels[name] = value


def _quoted(line: str, at: int) -> tuple[str, int]:
    """A label value's text from `at` (after its `"`) to its closing quote,
    unescaped, and the index after that quote."""
    out: list[str] = []
    while at < len(line):
        char = line[at]
        if char == '"':
            return "".join(out), at + 1
        if char == "\\" and at + 1 < len(line):
            escaped = line[at + 1]
            out.append({"n": "\n", "\\": "\\", '"': '"'}.get(escaped, "\\" + escaped))
            at += 2
            continue
        out.append(char)
        at += 1
    raise ValueError("unterminated label value")


def _value(text: str) -> float:
    special = {"+Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}
    return special[text] if text in special else float(text)
