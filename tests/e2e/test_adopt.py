"""Bringing rules made in the console under management (`adopt_rule_id=`, `adopt=True`).

`opts=ResourceOptions(import_=...)` does not work for Python dynamic resources, so adoption is an
input: `up` takes the existing object over with one unchanged rewrite that marks the takeover (so
an earlier holder sees it), and the stack has converged right after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console import CHECKOUT_ID, PAYMENTS_ID, SHARED_INTEGRATION_ID, Console, last_seq, write_counts
from pulumi_cli import Stack

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

# Rules as a person would have made them in the console, every setting explicit.
ESCALATION: dict[str, Any] = {
    "channel_id": PAYMENTS_ID,
    "rule_name": "Made in the console",
    "template_id": seed.CUSTOM_TEMPLATE_ID,
    "priority": 5,
    "aggr_window": 60,
    "description": "adopt me",
    "time_filters": [{"start": "08:00", "end": "20:00", "repeat": [1, 2, 3, 4, 5]}],
    "filters": [[{"key": "severity", "oper": "IN", "vals": ["Critical"]}]],
    "layers": [
        {
            "target": {"person_ids": [seed.BOB_ID], "by": {"follow_preference": True}},
            "max_times": 1,
            "notify_step": 5,
            "escalate_window": 20,
            "force_escalate": False,
        },
        {
            "target": {
                "team_ids": [seed.TEAM_SRE_ID],
                "by": {"critical": ["voice"], "warning": [], "info": []},
            }
        },
    ],
}
SILENCE: dict[str, Any] = {
    "channel_id": PAYMENTS_ID,
    "rule_name": "Console silence",
    "priority": 3,
    "description": "",
    "is_directly_discard": False,
    "filters": [[{"key": "labels.env", "oper": "IN", "vals": ["staging"]}]],
    "time_filters": [{"start": "00:00", "end": "06:00", "repeat": [0, 6]}],
}
ROUTE: dict[str, Any] = {
    "integration_id": SHARED_INTEGRATION_ID,
    "cases": [
        {
            "if": [{"key": "labels.team", "oper": "IN", "vals": ["checkout"]}],
            "channel_ids": [CHECKOUT_ID],
            "fallthrough": False,
        }
    ],
    "default": {"channel_ids": [PAYMENTS_ID]},
}


def made_in_console(console: Console) -> tuple[str, str]:
    """The three objects created outside Pulumi; returns the two rule IDs."""
    console.call("/route/upsert", dict(ROUTE))
    return console.create_escalation_rule(dict(ESCALATION)), console.create_silence_rule(dict(SILENCE))


def test_adopting_identical_rules_writes_nothing_and_converges(
    emu: EmulatorProcess, console: Console, new_stack: Callable[..., Stack]
) -> None:
    esc_id, sil_id = made_in_console(console)
    stack = new_stack()
    route: dict[str, Any] = {
        "kind": "RoutingRule",
        "name": "route",
        "args": {**ROUTE, "integration_id": str(SHARED_INTEGRATION_ID)},
    }

    # Without adopt, a route that already exists with other settings is not overwritten: up fails,
    # saying what to do. (An identical one is taken over with a warning: what an interrupted up
    # leaves behind.)
    stack.declare({**route, "args": {**route["args"], "default": {"channel_ids": [CHECKOUT_ID]}}})
    seq = last_seq(emu)
    failed = stack.up(check=False)
    assert failed.returncode != 0, str(failed)
    assert "adopt" in "\n".join(failed.diagnostics("error")), str(failed)
    assert write_counts(emu, seq) == {}

    # With adopt: taken over (an unchanged rewrite each, the only writes), converged at once.
    stack.declare(
        {**route, "args": {**route["args"], "adopt": True}},
        {"kind": "EscalationRule", "name": "esc", "args": {**ESCALATION, "adopt_rule_id": esc_id}},
        {"kind": "SilenceRule", "name": "sil", "args": {**SILENCE, "adopt_rule_id": sil_id}},
    )
    seq = last_seq(emu)
    result = stack.up()
    assert result.changed() == {"route": ["create"], "esc": ["create"], "sil": ["create"]}, str(result)
    writes = write_counts(emu, seq)
    assert set(writes) == {
        "/channel/escalate/rule/update",
        "/channel/silence/rule/update",
        "/route/upsert",
    }, writes
    outputs = stack.outputs()
    assert (outputs["esc"], outputs["sil"], outputs["route"]) == (esc_id, sil_id, str(SHARED_INTEGRATION_ID))
    seq = last_seq(emu)
    stack.assert_converged()
    assert write_counts(emu, seq) == {}

    # From now on the rule is ours: an edit is an in-place update of the same rule.
    stack.declare(
        {**route, "args": {**route["args"], "adopt": True}},
        {
            "kind": "EscalationRule",
            "name": "esc",
            "args": {**ESCALATION, "adopt_rule_id": esc_id, "priority": 7},
        },
        {"kind": "SilenceRule", "name": "sil", "args": {**SILENCE, "adopt_rule_id": sil_id}},
    )
    seq = last_seq(emu)
    result = stack.up()
    assert result.changed() == {"esc": ["update"]}, str(result)
    assert write_counts(emu, seq) == {"/channel/escalate/rule/update": 1}
    assert {r["rule_id"]: r["priority"] for r in console.escalation_rules(PAYMENTS_ID)} == {esc_id: 7}


def test_adopting_a_console_rule_with_default_settings_changes_nothing(
    emu: EmulatorProcess, console: Console, new_stack: Callable[..., Stack]
) -> None:
    """The common case: a rule clicked together with the defaults, and a program that, like the
    person in the console, leaves the optional settings out."""
    minimal = {
        "channel_id": PAYMENTS_ID,
        "rule_name": "Defaults only",
        "template_id": seed.PRESET_TEMPLATE_ID,
        "layers": [{"target": {"person_ids": [seed.BOB_ID], "by": {"follow_preference": True}}}],
    }
    esc_id = console.create_escalation_rule(dict(minimal))
    stack = new_stack()
    stack.declare({"kind": "EscalationRule", "name": "esc", "args": {**minimal, "adopt_rule_id": esc_id}})
    before = console.escalation_rules(PAYMENTS_ID)
    seq = last_seq(emu)
    stack.up()
    assert set(write_counts(emu, seq)) == {"/channel/escalate/rule/update"}  # the takeover's rewrite
    moved = ("updated_at", "updated_by")
    after = console.escalation_rules(PAYMENTS_ID)
    # (the rewrite may spell "none" differently: `by` gains explicit empty per-severity lists)
    changed = {
        k: (before[0].get(k), after[0].get(k))
        for k in {*before[0], *after[0]} - set(moved)
        if meaningful(before[0].get(k)) != meaningful(after[0].get(k))
    }
    assert len(after) == 1 and changed == {}, repr(changed)


def meaningful(value: Any) -> Any:
    """``value`` without empty lists and nulls inside objects (both mean "none" to the API)."""
    if isinstance(value, dict):
        return {k: meaningful(v) for k, v in value.items() if v not in (None, [])}
    if isinstance(value, list):
        return [meaningful(v) for v in value]
    return value
