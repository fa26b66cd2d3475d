"""Transient faults during `pulumi up` of a 50-rule stack, through the real CLI and the emulator.

Each scenario starts from an empty account and a new stack, injects its faults, runs one `up` (which
must succeed: the faults are transient), clears the faults and then requires the end state of
`faultkit.Converged`: every declared rule exists exactly once, the state matches the emulator
(refresh finds nothing), a second `up` is a no-op and `preview --expect-no-changes` passes. Fault
probabilities use fixed seeds; which request draws which number still depends on thread timing, so
the retry budget must absorb every draw, not one lucky order.

Run with -s to see the matrix; FLASHDUTY_FAULT_MATRIX=<file> appends it as JSON lines.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console import Console
from faultkit import Converged, Matrix, fault_facts, fifty_rules, last
from pulumi_cli import Stack

from flashduty_pulumi.emulator.testing import EmulatorProcess

MATRIX = Matrix("transient faults during `pulumi up` of 50 rules + 1 route")


@pytest.fixture(scope="module", autouse=True)
def print_matrix() -> Iterator[None]:
    yield
    print(MATRIX.render())


def run(
    scenario: str,
    emu: EmulatorProcess,
    console: Console,
    workdir: Path,
    faults: list[dict[str, Any]],
    *,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    stack = Stack.generic(workdir, emu.base_url, emu.app_key, extra_env=env)
    expected = fifty_rules(stack)
    for fault in faults:
        emu.add_fault(**fault)
    seq = last(emu)
    started = time.monotonic()
    converged = Converged(stack, emu, console, expected)
    try:
        result = converged.scan(stack.up())
    except AssertionError:
        MATRIX.record(
            scenario, "FAILED: up did not succeed", time.monotonic() - started, **fault_facts(emu, seq)
        )
        raise
    took = time.monotonic() - started
    facts = fault_facts(emu, seq)
    emu.clear_faults()
    emu.set_rate_limit(True, per_second=50, per_minute=1000)  # the API's own limits again
    assert result.summary()["create"] == 52, result.summary()  # 50 rules, the route, the stack
    facts.update(converged.check())
    MATRIX.record(scenario, "converged, no duplicate, 2nd up no-op", took, **facts)
    return facts


def test_429_bursts_with_retry_after(emu: EmulatorProcess, console: Console, tmp_path: Path) -> None:
    """A burst of 429s with Retry-After: 1 at the start, a second burst on the writes, and a server
    whose real limit (25/s) is stricter than the client's own (50/s)."""
    emu.set_rate_limit(True, per_second=25)
    facts = run(
        "429 bursts, Retry-After 1 s, server limit 25/s",
        emu,
        console,
        tmp_path,
        [
            {"status": 429, "retry_after": 1, "count": 5},
            {"status": 429, "retry_after": 1, "count": 5, "writes_only": True},
        ],
    )
    assert facts["status_429"] >= 10


def test_thirty_percent_5xx(emu: EmulatorProcess, console: Console, tmp_path: Path) -> None:
    """About 30% of all requests fail: 503 from the API, 502 HTML pages from a proxy, and 500
    after the server applied the write (a create that happened although it reported failure)."""
    facts = run(
        "30% 5xx (503, 502 HTML, 500 after apply)",
        emu,
        console,
        tmp_path,
        [
            {"status": 503, "probability": 0.15, "seed": 11, "count": None},
            {"status": 502, "probability": 0.08, "seed": 12, "count": None},
            {"status": 500, "after_apply": True, "probability": 0.08, "seed": 13, "count": None},
        ],
    )
    assert facts["faults_fired"] >= 0.2 * facts["requests"]


def test_two_seconds_of_latency(emu: EmulatorProcess, console: Console, tmp_path: Path) -> None:
    """Half the writes (seeded) answer 2 s late, with default timeouts: slow, but nothing may break
    or repeat. (Every write would only make the run longer: four calls are in flight at a time.)"""
    run(
        "2 s latency on half the writes",
        emu,
        console,
        tmp_path,
        [{"latency_ms": 2000, "writes_only": True, "probability": 0.5, "seed": 41, "count": None}],
    )


def test_latency_beyond_the_client_timeout(emu: EmulatorProcess, console: Console, tmp_path: Path) -> None:
    """A fifth of the creates take 2 s with a 1 s client timeout: the client gives up, the server
    applies the create a second later. The provider must wait for it, not create it again."""
    facts = run(
        "2 s latency on 20% of creates, client timeout 1 s",
        emu,
        console,
        tmp_path,
        [{"latency_ms": 2000, "path": "/create", "probability": 0.2, "seed": 21, "count": None}],
        env={"FLASHDUTY_TIMEOUT": "1"},
    )
    assert facts["faults_fired"] >= 3


def test_connection_dropped_after_the_server_applied_the_write(
    emu: EmulatorProcess, console: Console, tmp_path: Path
) -> None:
    """30% of creates, and the route upsert, are applied and then the connection drops: the
    client never learns the rule_id (or the new route version) of what it made."""
    facts = run(
        "connection dropped after apply (30% of creates, the route upsert)",
        emu,
        console,
        tmp_path,
        [
            {"drop_connection": True, "after_apply": True, "path": "/route/upsert", "count": 1},
            {
                "drop_connection": True,
                "after_apply": True,
                "path": "/create",
                "probability": 0.3,
                "seed": 31,
                "count": None,
            },
        ],
    )
    assert facts["faults_fired"] >= 5
