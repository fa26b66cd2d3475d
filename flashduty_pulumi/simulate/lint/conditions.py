"""Checks on single conditions and on condition lists: values that never match, values that do
not parse, conditions that always hold, and one condition list implying another (shadowing)."""

from __future__ import annotations

from collections.abc import Sequence

from ...models import FilterConditionItem
from ..alert import SEVERITIES
from ..match import ALIASES, in_vocabulary
from ..values import ValueError_, classify, compile_value

__all__ = ["always_true", "condition_problems", "implies", "list_implies"]

# Families where cidr: and num: are not supported (the active-alert side of inhibit rules).
NO_CIDR_NUM = frozenset({"inhibit_active"})
# Keys every alert has, so IN "*" always holds for them.
_ALWAYS_PRESENT = frozenset({"severity", "title", "description"})
# Values that match any string (a key every alert has: so they match every alert).
_MATCH_ALL = frozenset({"*", "/.*/", "/^.*/", "/.*$/", "/^.*$/", "/(?s).*/", "/(?s)^.*$/"})


def condition_problems(family: str, cond: FilterConditionItem) -> list[tuple[str, str]]:
    """(code, message) for what is wrong with one condition."""
    key = ALIASES.get(cond.key, cond.key)
    vocab_family = "inhibit" if family == "inhibit_active" else family
    if not in_vocabulary(vocab_family, cond.key):
        return [("never-matches", f"key {cond.key!r} is not one {family} filters know: it never matches")]
    if cond.oper not in ("IN", "NOTIN"):
        return [("never-matches", f"operator {cond.oper!r} is not IN or NOTIN: the condition never matches")]
    out: list[tuple[str, str]] = []
    for v in cond.vals:
        form = classify(v)
        if form.kind in ("cidr", "num") and family in NO_CIDR_NUM:
            out.append(("never-matches", f"{v!r}: {form.kind} values are not supported here"))
            continue
        try:
            compile_value(v)
        except ValueError_ as exc:
            out.append(("bad-value", f"{key}: {exc}"))
            continue
        if key == "severity" and not any(compile_value(v)(s) for s in SEVERITIES):
            hint = next((s for s in SEVERITIES if s.lower() == v.lower()), None)
            extra = f" (did you mean {hint!r}?)" if hint else ""
            out.append(
                ("never-matches", f"severity {v!r} is not Critical, Warning or Info{extra}: it never matches")
            )
    if cond.oper == "IN" and not cond.vals:
        out.append(("never-matches", f"{cond.key} IN [] has no values: it never matches"))
    return out


def always_true(cond: FilterConditionItem) -> bool:
    """The condition holds for every alert (so a group holding only such conditions matches all)."""
    key = ALIASES.get(cond.key, cond.key)
    if cond.oper == "NOTIN" and not cond.vals and in_vocabulary("silence", cond.key):
        return True
    if cond.oper != "IN" or key not in _ALWAYS_PRESENT:
        return False
    if key == "severity":
        return all(any(_safe(v, s) for v in cond.vals) for s in SEVERITIES)
    return any(v in _MATCH_ALL for v in cond.vals)


def _safe(val: str, value: str) -> bool:
    try:
        return compile_value(val)(value)
    except ValueError_:
        return False


def implies(later: FilterConditionItem, earlier: FilterConditionItem) -> bool:
    """Every alert meeting ``later`` also meets ``earlier`` (sound, not complete)."""
    if ALIASES.get(later.key, later.key) != ALIASES.get(earlier.key, earlier.key):
        return False
    if later.oper == earlier.oper and sorted(later.vals) == sorted(earlier.vals):
        return True
    if later.oper == "IN" and earlier.oper == "IN":
        # Each exact value ``later`` accepts is accepted by ``earlier`` too.
        return bool(later.vals) and all(
            classify(v).kind == "exact" and any(_safe(e, v) for e in earlier.vals) for v in later.vals
        )
    if later.oper == "NOTIN" and earlier.oper == "NOTIN":
        return set(earlier.vals) <= set(later.vals)
    return False


def list_implies(later: Sequence[FilterConditionItem], earlier: Sequence[FilterConditionItem]) -> bool:
    """An AND list ``later`` implies the AND list ``earlier``: each of ``earlier``'s conditions is
    implied by one of ``later``'s (an empty ``earlier`` is implied by anything)."""
    return all(any(implies(lc, ec) for lc in later) for ec in earlier)
