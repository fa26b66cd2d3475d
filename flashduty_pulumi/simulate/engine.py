"""The simulator: a ``Config`` and an alert in, a ``Trace`` out. Pure, no network.

    sim = Simulator(config)
    trace = sim.route(Alert(severity="Critical", labels={"service": "checkout"}, integration_id=42),
                      at=datetime(2026, 12, 6, 3, 0, tzinfo=timezone(timedelta(hours=8))))

Order of evaluation (where drop rules, inhibit rules and alert pipelines will slot in is marked):
pipelines -> route -> per channel: drop -> silence -> inhibit -> escalation -> timeline.
"""

from __future__ import annotations

from datetime import datetime

from ..models import EscalateRuleItem, RouteItem, SilenceRuleItem
from .alert import Alert
from .config import Config
from .match import compile_condition, filters_match
from .timeline import timeline
from .trace import CaseResult, ChannelOutcome, EscalationTrace, RouteTrace, RuleHit, Skipped, Trace
from .windows import local_time, once_in_force, windows_in_force

__all__ = ["Simulator", "escalation_order", "silence_order"]

ENABLED = "enabled"


def _enabled(status: str) -> bool:
    # A read-back rule always carries its status; a declared one (program source) has none yet and
    # is enabled on create.
    return status in ("", ENABLED)


def escalation_order(rules: list[EscalateRuleItem]) -> list[EscalateRuleItem]:
    """Enabled rules in the order they are tried: priority (lower first), then the older rule
    (created_at), then rule_id, so that equal priorities always resolve the same way."""
    return sorted(
        (r for r in rules if _enabled(r.status)), key=lambda r: (r.priority, r.created_at, r.rule_id)
    )


def silence_order(rules: list[SilenceRuleItem]) -> list[SilenceRuleItem]:
    return sorted(
        (r for r in rules if _enabled(r.status)), key=lambda r: (r.priority, r.created_at, r.rule_id)
    )


class Simulator:
    """Rules are put in evaluation order once, here: after changing the ``Config``'s rule lists,
    make a new ``Simulator``."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._escalation_order: dict[int, list[EscalateRuleItem]] = {}
        self._silence_order: dict[int, list[SilenceRuleItem]] = {}
        for cid in {r.channel_id for r in config.escalation_rules}:
            self._escalation_order[cid] = escalation_order(config.escalation_for(cid))
        for cid in {r.channel_id for r in config.silence_rules}:
            self._silence_order[cid] = silence_order(config.silence_for(cid))
        self._case_tests = {
            iid: [[compile_condition("route", c) for c in case.if_] for case in route.cases]
            for iid, route in config.routes.items()
        }

    # -------------------------------------------------------------------------------- route

    def _route_for(self, alert: Alert) -> RouteItem | None:
        if alert.integration_id is not None:
            return self.config.routes.get(alert.integration_id)
        if len(self.config.routes) == 1:
            return next(iter(self.config.routes.values()))
        return None

    def _route(self, alert: Alert) -> RouteTrace:
        route = self._route_for(alert)
        if route is None:
            if alert.integration_id is None and self.config.routes:
                n = len(self.config.routes)
                note = f"the alert names no integration_id and {n} integrations have routes"
            else:
                note = f"integration {alert.integration_id} has no routing rule in this configuration"
            return RouteTrace(alert.integration_id, found=False, note=note)
        results: list[CaseResult] = []
        chosen: list[int] = []
        any_matched = False
        tests = self._case_tests.get(route.integration_id) or [
            [compile_condition("route", c) for c in case.if_] for case in route.cases
        ]
        for i, case in enumerate(route.cases):
            failed = next((c for c, test in zip(case.if_, tests[i], strict=True) if not test(alert)), None)
            if failed is not None:
                results.append(CaseResult(i, False, fallthrough=case.fallthrough, failed=failed, alert=alert))
                continue
            any_matched = True
            ids, reason = self._case_channels(
                case.routing_mode, case.channel_ids, case.name_mapping_label, alert
            )
            results.append(CaseResult(i, True, tuple(ids), case.fallthrough, reason))
            chosen += [c for c in ids if c not in chosen]
            if not case.fallthrough:
                break
        note = ""
        default_used = False
        if not chosen:
            # The default takes alerts no case matched, and those whose matching cases all yielded
            # no channel (a name_mapping label naming no channel).
            if route.default is not None and route.default.channel_ids:
                default_used = True
                chosen = list(dict.fromkeys(route.default.channel_ids))
            else:
                note = (
                    "matched cases yield no channel and there is no default: the alert is dropped"
                    if any_matched
                    else "no case matches and there is no default: the alert is dropped"
                )
        return RouteTrace(route.integration_id, True, tuple(results), default_used, tuple(chosen), note)

    def _case_channels(self, mode: str, ids: list[int], label: str, alert: Alert) -> tuple[list[int], str]:
        if mode != "name_mapping":
            return list(ids), "all conditions hold"
        key = label if label.startswith("labels.") else f"labels.{label}"
        name = alert.value(key)
        if name is None:
            return [], f"name_mapping: the alert has no {key}"
        found = self.config.channels_named(name)
        if len(found) != 1:
            why = "no channel" if not found else f"{len(found)} channels"
            return [], f"name_mapping: {key} is {name!r} and {why} has that name"
        return [found[0].channel_id], f"name_mapping: {key} is {name!r}"

    # ----------------------------------------------------------------------------- channels

    def _silence(self, channel_id: int, alert: Alert, at: datetime, local: datetime) -> RuleHit | None:
        for rule in self._silence_order.get(channel_id, []):
            once = rule.time_filter is not None and rule.time_filter.is_set
            in_force = (
                once_in_force(rule.time_filter, at)
                if once and rule.time_filter
                else (windows_in_force(rule.time_filters, local, self.config.calendars))
            )
            # A silence rule with no filters is refused by the API; read it as matching nothing.
            if in_force and rule.filters and filters_match("silence", rule.filters, alert) is None:
                return RuleHit(
                    rule.rule_id, rule.rule_name, "discarded" if rule.is_directly_discard else "silenced"
                )
        return None

    def _escalation(self, channel_id: int, alert: Alert, local: datetime) -> EscalationTrace:
        skipped: list[Skipped] = []
        for rule in self._escalation_order.get(channel_id, []):
            if not windows_in_force(rule.time_filters, local, self.config.calendars):
                skipped.append(Skipped(rule.rule_name, f"outside its time windows at {local:%a %H:%M}"))
                continue
            why = filters_match("escalation", rule.filters, alert)
            if why is not None:
                skipped.append(Skipped(rule.rule_name, why))
                continue
            return EscalationTrace(
                rule.rule_id,
                rule.rule_name,
                tuple(skipped),
                timeline(rule, alert, self.config),
                rule.aggr_window,
            )
        return EscalationTrace(None, None, tuple(skipped))

    def _channel(
        self, channel_id: int, via: str, alert: Alert, at: datetime, local: datetime
    ) -> ChannelOutcome:
        name = self.config.channel_name(channel_id)
        # Drop rules run here once they are resources.
        silenced = self._silence(channel_id, alert, at, local)
        if silenced is not None:
            return ChannelOutcome(channel_id, name, via, silenced_by=silenced)
        # Inhibit rules run here once they are resources.
        return ChannelOutcome(channel_id, name, via, escalation=self._escalation(channel_id, alert, local))

    # --------------------------------------------------------------------------------- entry

    def route(self, alert: Alert, at: datetime) -> Trace:
        """Where ``alert``, arriving at ``at`` (an aware datetime), goes and who is paged."""
        local = local_time(at, self.config.timezone)
        # Alert pipelines (changes to the alert before routing) run here once they are resources.
        route = self._route(alert)
        via_of: dict[int, str] = {}
        for case in route.cases:
            for cid in case.channel_ids:
                via_of.setdefault(cid, f"case {case.index + 1}")
        outcomes = tuple(
            self._channel(cid, via_of.get(cid, "default"), alert, at, local) for cid in route.channel_ids
        )
        return Trace(alert, at, local, route, outcomes)
