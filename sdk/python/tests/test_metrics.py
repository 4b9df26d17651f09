"""Reading the Prometheus text `/metrics` answers."""

from __future__ import annotations

import math

import pytest

import aios

TEXT = """# HELP aios_uptime_seconds Seconds since the kernel started.
# TYPE aios_uptime_seconds gauge
aios_uptime_seconds 12
# HELP aios_agents Agents by state.
# TYPE aios_agents gauge
aios_agents{state="blocked"} 2
aios_agent_memory_bytes{agent="supervisor",id="1"} 262144
aios_odd{path="a\\\\b \\"q\\"\\nz",empty=""} +Inf 1700000000000
aios_nan NaN
aios_float_total 1.5e3
"""


def test_samples_with_labels_escapes_and_special_values() -> None:
    samples = aios.parse_metrics(TEXT)
    assert [s.name for s in samples] == [
        "aios_uptime_seconds",
        "aios_agents",
        "aios_agent_memory_bytes",
        "aios_odd",
        "aios_nan",
        "aios_float_total",
    ]
    assert samples[0] == aios.Sample("aios_uptime_seconds", 12.0, {})
    assert samples[2].labels == {"agent": "supervisor", "id": "1"}
    assert samples[3].labels == {"path": 'a\\b "q"\nz', "empty": ""}
    assert samples[3].value == math.inf
    assert math.isnan(samples[4].value)
    assert samples[5].value == 1500.0


def test_find_by_name_and_labels() -> None:
    samples = aios.parse_metrics(TEXT)
    found = aios.find(samples, "aios_agent_memory_bytes", agent="supervisor")
    assert found is not None and found.value == 262144
    assert aios.find(samples, "aios_agent_memory_bytes", agent="nobody") is None


@pytest.mark.parametrize("line", ["aios_x", 'aios_x{a="1} 2', "aios_x one", "aios_x{a=1} 2"])
def test_malformed_lines_are_protocol_errors(line: str) -> None:
    with pytest.raises(aios.ProtocolError, match="line 1"):
        aios.parse_metrics(line)
