"""API calls per operation and kind, counted from the emulator's request log (run with -s to see
the table). Bounds: create <= 3 (rules: a look-up of the name, so that a rule left by an
interrupted run is taken over instead of duplicated, the create, a read back; a route reads first
too: 3), update <= 2 (+1 when ``enabled`` changes), refresh <= 1, delete <= 2; rules add the
fence's look at the channel to update and delete (1 here, shared by the fences of a channel in a
run: see test_shared_lists.py)."""

from __future__ import annotations

from typing import Any

import pytest
from harness import ManagedResource, ProviderProcess

from flashduty_pulumi.emulator.testing import EmulatorProcess
from flashduty_pulumi.providers import EscalationRuleProvider, RoutingRuleProvider, SilenceRuleProvider

pytestmark = pytest.mark.provider

CH = 5201314520131
ESC = {
    "channel_id": CH,
    "rule_name": "Payments on-call",
    "template_id": "000000000000000000000001",
    "layers": [{"target": {"person_ids": [3141592653131], "by": {"follow_preference": True}}}],
}
SIL = {
    "channel_id": CH,
    "rule_name": "Nightly maintenance",
    "filters": [[{"key": "labels.env", "oper": "IN", "vals": ["staging"]}]],
    "time_filters": [{"start": "01:00", "end": "03:00"}],
}
ROUTE = {"integration_id": 6022140857131, "default": {"channel_ids": [CH]}, "delete_behavior": "reset"}

# kind, provider, inputs, a field change, bounds
CASES: list[tuple[str, Any, dict[str, Any], dict[str, Any], dict[str, int]]] = [
    (
        "EscalationRule",
        EscalationRuleProvider(),
        ESC,
        {"description": "x"},
        {
            "create": 3,
            "create (enabled=False)": 4,
            "update": 3,
            "update (+enabled)": 4,
            "refresh": 1,
            "delete": 3,
        },
    ),
    (
        "SilenceRule",
        SilenceRuleProvider(),
        SIL,
        {"description": "x"},
        {
            "create": 3,
            "create (enabled=False)": 4,
            "update": 3,
            "update (+enabled)": 4,
            "refresh": 1,
            "delete": 3,
        },
    ),
    (
        "RoutingRule",
        RoutingRuleProvider(),
        ROUTE,
        {"cases": [{"if": [{"key": "title", "oper": "IN", "vals": ["x"]}], "channel_ids": [CH]}]},
        {"create": 3, "update": 2, "refresh": 1, "delete": 1},
    ),
]

TABLE: dict[str, dict[str, int]] = {}


def count(emu: EmulatorProcess, step: Any) -> int:
    emu.clear_requests()
    step()
    return len(emu.requests())


@pytest.mark.parametrize(("kind", "provider", "inputs", "change", "bounds"), CASES, ids=[c[0] for c in CASES])
def test_api_calls_per_operation(
    kind: str,
    provider: Any,
    inputs: dict[str, Any],
    change: dict[str, Any],
    bounds: dict[str, int],
    proc: ProviderProcess,
    emu: EmulatorProcess,
) -> None:
    token = f"pulumi-python:dynamic/flashduty:{kind}"
    res = ManagedResource(proc, provider, token, "counted")
    counts = {
        "create": count(emu, lambda: res.up(inputs)),
        "update": count(emu, lambda: res.up({**inputs, **change})),
        "refresh": count(emu, res.refresh),
        "preview (no change)": count(emu, lambda: res.preview_diff({**inputs, **change})),
        "delete": count(emu, res.destroy),
    }
    if kind != "RoutingRule":
        other = ManagedResource(proc, provider, token, "counted-off")
        counts["create (enabled=False)"] = count(emu, lambda: other.up({**inputs, "enabled": False}))
        counts["update (+enabled)"] = count(emu, lambda: other.up({**inputs, **change}))
        other.destroy()
    TABLE[kind] = counts
    assert counts["preview (no change)"] == 0
    over = {op: (n, bounds[op]) for op, n in counts.items() if op in bounds and n > bounds[op]}
    assert over == {}, f"{kind}: more API calls than allowed (got, bound): {over}"


@pytest.fixture(scope="module", autouse=True)
def print_table() -> Any:
    """After the module: the table of calls per operation (visible with -s)."""
    yield
    ops = [
        "create",
        "create (enabled=False)",
        "update",
        "update (+enabled)",
        "refresh",
        "preview (no change)",
        "delete",
    ]
    width = max(len(op) for op in ops)
    lines = [
        "",
        "API calls per operation (emulator request log)",
        f"{'':<{width}}" + "".join(f"{kind:>16}" for kind in TABLE),
    ]
    for op in ops:
        lines.append(f"{op:<{width}}" + "".join(f"{TABLE[kind].get(op, '-')!s:>16}" for kind in TABLE))
    print("\n".join(lines))
