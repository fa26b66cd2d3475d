"""Lint: configurations the API accepts that will not do what their author meant.

    findings = lint_config(config, now)          # every check, over a whole configuration
    resource_warnings("silence rule", props)     # the per-resource subset, for preview

Checks and their levels: ``findings.CHECKS``.
"""

from __future__ import annotations

from datetime import datetime

from ..config import Config
from ..engine import escalation_order
from .coverage import uncovered_ranges
from .findings import CHECKS, ERROR, WARNING, Finding
from .report import render_findings
from .resource import resource_warnings
from .route import route_findings
from .rules import escalation_findings, silence_findings

__all__ = ["CHECKS", "ERROR", "WARNING", "Finding", "lint_config", "render_findings", "resource_warnings"]


def _routed(config: Config) -> dict[int, set[int]]:
    """Channels each route can send to (standard cases and the default), by channel ID."""
    out: dict[int, set[int]] = {}
    for iid, route in config.routes.items():
        ids = {c for case in route.cases for c in case.channel_ids}
        if route.default is not None:
            ids.update(route.default.channel_ids)
        out[iid] = ids
    return out


def lint_config(config: Config, now: datetime) -> list[Finding]:
    known = set(config.channels) if config.channels else None
    out: list[Finding] = []
    for iid in sorted(config.routes):
        out += route_findings(config.routes[iid], known)
    for rule in config.silence_rules:
        where = f"channel {config.channel_name(rule.channel_id)} / silence rule {rule.rule_name!r}"
        out += silence_findings(rule, where, now)
    for esc in config.escalation_rules:
        where = f"channel {config.channel_name(esc.channel_id)} / escalation rule {esc.rule_name!r}"
        out += escalation_findings(esc, where, config)
    reached = sorted({c for ids in _routed(config).values() for c in ids})
    for cid in reached:
        if known is not None and cid not in known:
            continue  # reported as unknown-channel
        where = f"channel {config.channel_name(cid)}"
        rules = escalation_order(config.escalation_for(cid))
        if not rules:
            out.append(
                Finding(
                    "no-escalation", where, "routing sends alerts here but no escalation rule notifies anyone"
                )
            )
            continue
        gaps = uncovered_ranges(rules, config)
        if gaps:
            shown = ", ".join(gaps[:6]) + (f" and {len(gaps) - 6} more" if len(gaps) > 6 else "")
            out.append(
                Finding(
                    "uncovered-hours", where, f"no escalation rule applies (for every alert) during {shown}"
                )
            )
    return out
