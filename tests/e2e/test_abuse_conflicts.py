"""Concurrent edits: a route changed in the console between `refresh` and `up`, and two stacks
that declare the same route (or the same rule). Each ends in one clear error, nothing overwritten,
and a stack that still previews clean; the way out (refresh, or adopt) is then shown to work.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from console import CHECKOUT_ID, PAYMENTS_ID, SHARED_INTEGRATION_ID, Console
from faultkit import Matrix, last
from pulumi_cli import Result, Stack

from flashduty_pulumi.emulator.testing import EmulatorProcess

MATRIX = Matrix("concurrent edits")


@pytest.fixture(scope="module", autouse=True)
def print_matrix() -> Iterator[None]:
    yield
    print(MATRIX.render())


def route(*cases: int, default: int = PAYMENTS_ID) -> dict[str, Any]:
    return {
        "kind": "RoutingRule",
        "name": "route",
        "args": {
            "integration_id": SHARED_INTEGRATION_ID,
            "cases": [
                {"if": [{"key": "labels.team", "oper": "IN", "vals": [f"team-{i}"]}], "channel_ids": [ch]}
                for i, ch in enumerate(cases)
            ],
            "default": {"channel_ids": [default]},
        },
    }


def escalation(description: str) -> dict[str, Any]:
    return {
        "kind": "EscalationRule",
        "name": "oncall",
        "args": {
            "channel_id": PAYMENTS_ID,
            "rule_name": "Shared on-call",
            "template_id": "000000000000000000000001",
            "description": description,
            "layers": [{"target": {"emails": ["oncall@example.com"], "by": {"critical": ["email"]}}}],
        },
    }


def took(started: float) -> float:
    return time.monotonic() - started


def errors(result: Result) -> str:
    return "\n".join(result.diagnostics("error"))


def writes(emu: EmulatorProcess, since: int, *, applied: bool = False) -> list[str]:
    return [e["path"] for e in emu.requests(since) if e["write"] and (not applied or e["status"] == 200)]


def test_route_changed_in_the_console_between_refresh_and_up(
    emu: EmulatorProcess, console: Console, new_stack: Any
) -> None:
    started = time.monotonic()
    stack: Stack = new_stack()
    stack.declare(route(PAYMENTS_ID))
    stack.up()
    stack.refresh("--expect-no-changes")
    # The program changes, and meanwhile someone edits the route in the console.
    stack.declare(route(PAYMENTS_ID, CHECKOUT_ID))
    live = console.route(SHARED_INTEGRATION_ID)
    assert live is not None
    edited = {"integration_id": SHARED_INTEGRATION_ID, "default": {"channel_ids": [CHECKOUT_ID]}}
    console.call("/route/upsert", {**edited, "version": live["version"]})
    after_edit = console.route(SHARED_INTEGRATION_ID)

    seq = last(emu)
    refused = stack.up(check=False)
    assert refused.returncode != 0, str(refused)
    message = errors(refused)
    assert "changed outside Pulumi" in message and "nothing was overwritten" in message, message
    assert "pulumi refresh" in message, message
    assert message.count("changed outside Pulumi") == 1, "one error, not a cascade"
    assert writes(emu, seq, applied=True) == [], "the console's edit must not be overwritten"
    assert console.route(SHARED_INTEGRATION_ID) == after_edit

    # The way out the error names: refresh (the state learns the edit), then up applies the program.
    stack.refresh()
    stack.up()
    now = console.route(SHARED_INTEGRATION_ID)
    assert now is not None and [c["channel_ids"] for c in now["cases"]] == [[PAYMENTS_ID], [CHECKOUT_ID]]
    stack.preview("--expect-no-changes")
    MATRIX.record(
        "route edited in the console between refresh and up",
        "one clear error, nothing written",
        took(started),
    )


def test_two_stacks_declaring_the_same_integration_route(
    emu: EmulatorProcess, console: Console, new_stack: Any
) -> None:
    started = time.monotonic()
    first: Stack = new_stack("first")
    first.declare(route(PAYMENTS_ID))
    first.up()
    owned = console.route(SHARED_INTEGRATION_ID)

    second: Stack = new_stack("second")
    second.declare(route(CHECKOUT_ID))
    seq = last(emu)
    refused = second.up(check=False)
    assert refused.returncode != 0, str(refused)
    message = errors(refused)
    assert f"integration {SHARED_INTEGRATION_ID} already has a routing rule" in message, message
    assert "another stack" in message and "adopt=True" in message, message
    assert writes(emu, seq) == [], "the second stack must not touch the first one's route"
    assert console.route(SHARED_INTEGRATION_ID) == owned
    assert second.resources(kind="RoutingRule") == []
    first.preview("--expect-no-changes")
    first.refresh("--expect-no-changes")
    MATRIX.record(
        "two stacks declare the same integration's route",
        "second fails clearly, nothing written",
        took(started),
    )


def test_two_stacks_declaring_a_rule_of_the_same_name_in_a_channel(
    emu: EmulatorProcess, console: Console, new_stack: Any
) -> None:
    started = time.monotonic()
    first: Stack = new_stack("first")
    first.declare(escalation("first stack"))
    first.up()
    (rule,) = console.escalation_rules(PAYMENTS_ID)

    second: Stack = new_stack("second")
    second.declare(escalation("second stack"))
    seq = last(emu)
    refused = second.up(check=False)
    assert refused.returncode != 0, str(refused)
    message = errors(refused)
    assert f"already has an escalation rule named 'Shared on-call' ({rule['rule_id']})" in message, message
    assert "adopt_rule_id" in message, message
    assert writes(emu, seq) == []
    assert console.escalation_rules(PAYMENTS_ID) == [rule]
    first.preview("--expect-no-changes")
    MATRIX.record(
        "two stacks declare a same-named rule in one channel",
        "second fails clearly, nothing written",
        took(started),
    )
