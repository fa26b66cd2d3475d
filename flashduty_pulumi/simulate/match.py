"""Filter conditions and OR-of-AND filters against an alert, with each family's key vocabulary.

IN matches when any value matches; NOTIN when none does. The missing-key trap: when the alert has
no such key, IN never matches and NOTIN always does. A key outside the family's vocabulary is
accepted by the API but never matches, whatever the operator.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from ..models import FilterConditionItem
from .alert import Alert
from .values import ValueError_, compile_value

__all__ = [
    "ALIASES",
    "VOCABULARY",
    "compile_condition",
    "condition_matches",
    "explain_condition",
    "filters_match",
    "in_vocabulary",
]

_COMMON = frozenset({"severity", "status", "title", "description", "data_source_id"})
VOCABULARY: dict[str, frozenset[str]] = {
    "route": _COMMON | {"alert_key", "title_rule"},
    "silence": _COMMON | {"alert_key", "title_rule"},
    "drop": _COMMON | {"alert_key", "title_rule"},
    "inhibit": _COMMON | {"alert_key", "title_rule"},
    "escalation": _COMMON | {"dedup_key"},
}
# Legacy spellings the server migrates to ``severity``.
ALIASES = {"alert_severity": "severity", "incident_severity": "severity"}


def in_vocabulary(family: str, key: str) -> bool:
    key = ALIASES.get(key, key)
    return key in VOCABULARY[family] or (key.startswith("labels.") and len(key) > len("labels."))


@functools.lru_cache(maxsize=16384)
def _predicate(family: str, key: str, oper: str, vals: tuple[str, ...]) -> Callable[[Alert], bool]:
    """The condition compiled once: alert -> matches."""
    if not in_vocabulary(family, key) or oper not in ("IN", "NOTIN"):
        return lambda alert: False
    name = ALIASES.get(key, key)
    tests = [_value_test(v) for v in vals]
    want = oper == "IN"

    def test(alert: Alert) -> bool:
        value = alert.value(name)
        if value is None:
            return not want
        return any(t(value) for t in tests) is want

    return test


def _value_test(val: str) -> Callable[[str], bool]:
    # A broken value (bad regex, CIDR or number) matches nothing; lint reports it.
    try:
        return compile_value(val)
    except ValueError_:
        return lambda value: False


def compile_condition(family: str, cond: FilterConditionItem) -> Callable[[Alert], bool]:
    """``cond`` as a predicate over alerts (compiled once per distinct condition)."""
    return _predicate(family, cond.key, cond.oper, tuple(cond.vals))


def condition_matches(family: str, cond: FilterConditionItem, alert: Alert) -> bool:
    return compile_condition(family, cond)(alert)


def explain_condition(family: str, cond: FilterConditionItem, alert: Alert) -> str | None:
    """None when ``cond`` matches ``alert``, else why not (for the trace)."""
    if condition_matches(family, cond, alert):
        return None
    shown = f"{cond.key} {cond.oper} {cond.vals}"
    if not in_vocabulary(family, cond.key):
        return f"{shown}: key {cond.key!r} is not one {family} filters know, so it never matches"
    if cond.oper not in ("IN", "NOTIN"):
        return f"{shown}: operator {cond.oper!r} is neither IN nor NOTIN, so it never matches"
    key = ALIASES.get(cond.key, cond.key)
    value = alert.value(key)
    return f"{shown}: the alert has no {key}" if value is None else f"{shown}: {key} is {value!r}"


def filters_match(family: str, groups: Sequence[Sequence[FilterConditionItem]], alert: Alert) -> str | None:
    """None when the OR-of-AND ``groups`` match (empty matches everything), else why not."""
    if not groups:
        return None
    reasons = []
    for group in groups:
        why = next((w for c in group if (w := explain_condition(family, c, alert)) is not None), None)
        if why is None:
            return None
        reasons.append(why)
    return reasons[0] if len(reasons) == 1 else "no group matches: " + "; ".join(reasons)
