"""diff(): state outputs against checked inputs, over the managed fields only."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pulumi.output import Unknown

from flashduty_pulumi.providers import EscalationRuleProvider, RoutingRuleProvider, SilenceRuleProvider
from flashduty_pulumi.providers.base import FlashdutyProvider

pytestmark = pytest.mark.unit

CH, CH2 = 5201314520131, 5201314521131
SERIALIZED = "gASV...provider"


def checked(provider: FlashdutyProvider, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, news)
    assert not result.failures, [(f.property, f.reason) for f in result.failures]
    return {**result.inputs, "__provider": SERIALIZED}


def as_state(inputs: dict[str, Any], **computed: Any) -> dict[str, Any]:
    """What the engine hands back as olds: outputs, numbers as floats, __provider included."""

    def floats(value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return float(value)
        if isinstance(value, dict):
            return {k: floats(v) for k, v in value.items()}
        if isinstance(value, list):
            return [floats(v) for v in value]
        return value

    return floats({**inputs, **computed})


ESC = {
    "channel_id": CH,
    "rule_name": "oncall",
    "template_id": "000000000000000000000001",
    "layers": [{"target": {"person_ids": [2, 1], "by": {"follow_preference": True}}}],
}
RULE_COMPUTED = {"rule_id": "66f1e2d3c4b5a697889900aa", "status": "enabled", "created_at": 1, "updated_at": 2}


def esc_diff(old_over: dict[str, Any], new_over: dict[str, Any]) -> tuple[bool | None, list[str], list[str]]:
    p = EscalationRuleProvider()
    olds = as_state(checked(p, {**ESC, **old_over}), **RULE_COMPUTED)
    news = checked(p, {**ESC, **new_over})
    d = p.diff("66f1e2d3c4b5a697889900aa", olds, news)
    changed, replaces = p.changed_keys(olds, news)
    assert d.changes is bool(changed) and (d.replaces or []) == replaces  # the keys behind the result
    return d.changes, changed, d.replaces or []


def test_no_change_when_only_the_representation_differs() -> None:
    # floats vs ints, list order, defaults spelled out or left out: all the same rule
    changes, keys, _ = esc_diff(
        {},
        {
            "priority": 0,
            "layers": [
                {
                    "target": {"person_ids": ["1", 2.0], "by": {"follow_preference": True}},
                    "max_times": 2,
                    "notify_step": 10,
                }
            ],
        },
    )
    assert (changes, keys) == (False, [])


def test_only_the_changed_keys_are_reported() -> None:
    changes, keys, replaces = esc_diff({}, {"description": "new", "priority": 5})
    assert changes is True
    assert keys == ["priority", "description"]
    assert replaces == []


def test_channel_change_replaces_and_nothing_else_does() -> None:
    _changes, keys, replaces = esc_diff({}, {"channel_id": CH2, "rule_name": "renamed"})
    assert set(keys) == {"channel_id", "rule_name"}
    assert replaces == ["channel_id"]


def test_enabled_is_a_change_adopt_rule_id_is_not() -> None:
    assert esc_diff({}, {"enabled": False})[1] == ["enabled"]
    assert esc_diff({}, {"adopt_rule_id": "66f1e2d3c4b5a697889900aa"})[1] == []


def test_computed_fields_and_provider_are_ignored() -> None:
    p = EscalationRuleProvider()
    olds = as_state(checked(p, ESC), **{**RULE_COMPUTED, "updated_at": 999})
    olds["__provider"] = "an older serialization"
    d = p.diff("x", olds, checked(p, ESC))
    assert d.changes is False


def test_drift_found_by_refresh_is_corrected() -> None:
    """After a refresh, olds are the LIVE rule: diff against the program's inputs shows the drift."""
    p = SilenceRuleProvider()
    program = {
        "channel_id": CH,
        "rule_name": "quiet",
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
        "time_filters": [{"start": "01:00", "end": "02:00"}],
    }
    live = copy.deepcopy(checked(p, program))
    live["filters"][0][0]["vals"] = ["Info", "Warning"]  # edited in the console
    live["enabled"] = False  # and disabled there
    olds, news = as_state(live, **RULE_COMPUTED), checked(p, program)
    d = p.diff("r", olds, news)
    assert d.changes is True
    assert p.changed_keys(olds, news) == (["filters", "enabled"], [])
    assert not d.replaces


def test_unknown_values_are_changes_and_an_unknown_identity_replaces() -> None:
    p = EscalationRuleProvider()
    olds = as_state(checked(p, ESC), **RULE_COMPUTED)
    news = checked(p, ESC)
    news["description"] = Unknown()
    d = p.diff("r", olds, news)
    assert d.changes is True and p.changed_keys(olds, news) == (["description"], []) and d.replaces == []
    news["channel_id"] = Unknown()
    d = p.diff("r", olds, news)
    assert d.replaces == ["channel_id"]
    news = checked(p, ESC)
    news["layers"][0]["target"]["person_ids"].append(Unknown())
    assert p.diff("r", olds, news).changes is True
    assert p.changed_keys(olds, news) == (["layers"], [])


def test_route_diff() -> None:
    p = RoutingRuleProvider()
    base = {"integration_id": 6022140857131, "default": {"channel_ids": [CH]}}
    olds = as_state(checked(p, base), version=3, status="enabled", created_at=1, updated_at=2)
    assert p.diff("6022140857131", olds, checked(p, base)).changes is False
    # adopt only matters at create; delete_behavior must reach the state that destroy reads
    assert p.diff("x", olds, checked(p, {**base, "adopt": True})).changes is False
    news = checked(p, {**base, "delete_behavior": "reset"})
    d = p.diff("x", olds, news)
    assert d.changes is True and not d.replaces
    assert p.changed_keys(olds, news) == (["delete_behavior"], [])
    d = p.diff("x", olds, checked(p, {**base, "integration_id": 6022140858131}))
    assert d.replaces == ["integration_id"] and d.delete_before_replace is False
    news = checked(p, {**base, "default": {"channel_ids": [CH2, CH]}})
    assert p.diff("x", olds, news).changes is True
    assert p.changed_keys(olds, news) == (["default"], [])


def test_state_from_an_older_provider_without_own_fields() -> None:
    """Outputs lacking `enabled` (older state) compare as the default, not as a change."""
    p = EscalationRuleProvider()
    olds = as_state(checked(p, ESC), **RULE_COMPUTED)
    del olds["enabled"]
    assert p.diff("r", olds, checked(p, ESC)).changes is False
