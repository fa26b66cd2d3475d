"""Checks on silence and escalation rules one at a time: values, windows, match-all filters,
layers nobody can receive."""

from __future__ import annotations

from datetime import datetime

from ...models import EscalateRuleItem, FilterConditionItem, SilenceRuleItem
from ..config import Config
from .conditions import always_true, condition_problems
from .findings import Finding

__all__ = ["escalation_findings", "filter_findings", "silence_findings"]

# A one-off window bound above this is not unix seconds (it is the year 5138): milliseconds.
MAX_PLAUSIBLE_SECONDS = 10**11


def filter_findings(family: str, groups: list[list[FilterConditionItem]], where: str) -> list[Finding]:
    return [
        Finding(code, where, msg)
        for group in groups
        for c in group
        for code, msg in condition_problems(family, c)
    ]


def silence_findings(rule: SilenceRuleItem, where: str, now: datetime) -> list[Finding]:
    out = filter_findings("silence", rule.filters, where)
    tf = rule.time_filter
    if tf is not None and tf.is_set:
        if tf.start_time > MAX_PLAUSIBLE_SECONDS or tf.end_time > MAX_PLAUSIBLE_SECONDS:
            out.append(
                Finding(
                    "silence-milliseconds",
                    where,
                    f"time_filter {tf.start_time}..{tf.end_time} looks like milliseconds; the API takes unix "
                    "seconds, so this window is thousands of years away",
                )
            )
        elif tf.end_time <= now.timestamp():
            ended = datetime.fromtimestamp(tf.end_time, now.tzinfo)
            out.append(Finding("silence-over", where, f"the window ended at {ended:%Y-%m-%d %H:%M %Z}"))
    if any(all(always_true(c) for c in group) for group in rule.filters):
        out.append(
            Finding(
                "matches-everything", where, "its filters match every alert: the whole channel is silenced"
            )
        )
    return out


def escalation_findings(rule: EscalateRuleItem, where: str, config: Config) -> list[Finding]:
    out = filter_findings("escalation", rule.filters, where)
    if not (config.members or config.teams):
        return out  # no directory to resolve recipients against
    for n, layer in enumerate(rule.layers, start=1):
        t = layer.target
        if t.emails:
            continue
        names = [
            *(str(p) for p in t.person_ids if p in config.members),
            *(str(x) for x in t.team_ids if x in config.teams),
            *(s for s in t.schedule_to_role_ids if s.isdigit() and int(s) in config.schedules),
        ]
        if not names and not t.webhooks:
            out.append(
                Finding(
                    "unresolvable-layer", f"{where} layer {n}", "none of its recipients exists in the account"
                )
            )
    return out
