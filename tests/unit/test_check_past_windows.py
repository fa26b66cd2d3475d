"""A one-off silence window that has already ended is refused at check, but only when it is new or
changed: a rule whose window expired after it was applied stays refreshable, updatable and
destroyable, and an unchanged program still previews clean."""

from __future__ import annotations

import time
from typing import Any

import pytest

from flashduty_pulumi.providers import SilenceRuleProvider

pytestmark = pytest.mark.unit

PAST = {"start_time": 1_600_000_000.0, "end_time": 1_600_003_600.0}


def silence(window: dict[str, float], **extra: Any) -> dict[str, Any]:
    return {
        "channel_id": 5201314520131.0,
        "rule_name": "Freeze",
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
        "time_filter": window,
        **extra,
    }


def paths(olds: dict[str, Any], news: dict[str, Any]) -> list[str]:
    return [getattr(f, "path", f.property) for f in SilenceRuleProvider().check(olds, news).failures]


def test_a_new_rule_with_a_window_in_the_past_is_refused_on_end_time() -> None:
    result = SilenceRuleProvider().check({}, silence(PAST))
    assert [getattr(f, "path", f.property) for f in result.failures] == ["time_filter.end_time"]
    assert "2020-09-13" in result.failures[0].reason


def test_a_window_moved_into_the_past_is_refused() -> None:
    now = time.time()
    future = {"start_time": float(int(now) + 3600), "end_time": float(int(now) + 7200)}
    assert paths(silence(future), silence(PAST)) == ["time_filter.end_time"]


def test_an_expired_but_unchanged_window_passes_so_the_rule_stays_manageable() -> None:
    old_inputs = {**silence(PAST), "enabled": True, "__provider": "x"}
    assert paths(old_inputs, silence(PAST)) == []
    # Other fields may still change, and integer/float forms of the same window are the same window.
    ints = {"start_time": 1_600_000_000, "end_time": 1_600_003_600}
    assert paths(old_inputs, silence(ints, description="extended")) == []


def test_a_window_still_running_passes() -> None:
    now = int(time.time())
    assert paths({}, silence({"start_time": float(now - 60), "end_time": float(now + 3600)})) == []
