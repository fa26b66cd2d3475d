"""Each live rule as the resource call that declares it: its arguments, in the order people read them.

Only what differs from the defaults ``check`` fills in is written, and those defaults are read from
the request models, so the program and the providers cannot disagree about them. IDs become
look-up variables (``LookupVariables``), webhook credentials secret config (``WebhookSecrets``), and
time windows carry a comment saying when they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..models import (
    CreateEscalationRuleRequest,
    CreateSilenceRuleRequest,
    EscalateLayer,
    EscalateRuleItem,
    NotifyBy,
    RouteCase,
    RouteItem,
    SilenceRuleItem,
    UpsertRouteRequest,
)
from ..providers import EscalationRuleProvider, RoutingRuleProvider, SilenceRuleProvider
from ..providers.base import FlashdutyProvider
from ..providers.raw_inputs import canonical_id
from .lookup_variables import LookupVariables
from .pysource import Call, Commented
from .webhooks import WebhookSecrets

__all__ = ["Resource", "RuleArguments"]

WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


@dataclass
class Resource:
    """One rule to write: its call, where it goes, and what to say about it."""

    section: str
    call: Call
    provider: FlashdutyProvider
    live_api: dict[str, Any]
    live_enabled: bool | None  # None for routes
    title: str
    notes: list[str] = field(default_factory=list)


def _differs(model: type[BaseModel], name: str, value: Any) -> bool:
    """Whether ``value`` is not the default the request model (and so ``check``) fills in."""
    return bool(value != model.model_fields[name].get_default(call_default_factory=True))


def _non_default(
    model: type[BaseModel], raw: Mapping[str, Any], names: Iterable[str]
) -> list[tuple[str, Any]]:
    """``(name, value)`` of each of ``names`` whose value in ``raw`` the program must write."""
    return [(name, raw[name]) for name in names if _differs(model, name, raw[name])]


def _whole(value: Any) -> Any:
    """``120.0`` as ``120`` (the API's numbers come back as floats; people write whole ones)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _utc(ts: int) -> str:
    return datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _conditions(conds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": c["key"], "oper": c["oper"], "vals": list(c["vals"])} for c in conds]


def _filters(groups: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    return [_conditions(g) for g in groups]


def _time_filters(windows: list[dict[str, Any]]) -> list[Any]:
    out: list[Any] = []
    for tf in windows:
        node: dict[str, Any] = {"start": tf["start"], "end": tf["end"]}
        if tf.get("repeat"):
            node["repeat"] = list(tf["repeat"])
        if tf.get("cal_id"):
            node["cal_id"] = tf["cal_id"]
            node["is_off"] = bool(tf.get("is_off"))
            note = "calendar days off" if node["is_off"] else "calendar work days"
        elif tf.get("repeat"):
            note = ", ".join(WEEKDAYS[d] for d in sorted(set(tf["repeat"])) if 0 <= d <= 6)
        else:
            note = "every day"
        out.append(Commented(node, note))
    return out


class RuleArguments:
    """Builds the resource of each rule kind."""

    def __init__(self, lookups: LookupVariables, secrets: WebhookSecrets) -> None:
        self.lookups = lookups
        self.secrets = secrets
        self.esc = EscalationRuleProvider()
        self.sil = SilenceRuleProvider()
        self.route = RoutingRuleProvider()

    # -- escalation rules -------------------------------------------------------------------------

    def _target(self, target: dict[str, Any], where: str, rule_words: list[str]) -> dict[str, Any]:
        node: dict[str, Any] = {}
        if target.get("person_ids"):
            node["person_ids"] = [self.lookups.ref("member", i) for i in target["person_ids"]]
        if target.get("team_ids"):
            node["team_ids"] = [self.lookups.ref("team", i) for i in target["team_ids"]]
        if target.get("schedule_to_role_ids"):
            node["schedule_to_role_ids"] = Commented(
                {str(k): [canonical_id(r) for r in v] for k, v in target["schedule_to_role_ids"].items()},
                "schedule ID -> role IDs (0: the default role); schedules have no look-up",
            )
        if target.get("emails"):
            node["emails"] = list(target["emails"])
        by = target.get("by")
        if by:
            by_node = dict(_non_default(NotifyBy, by, NotifyBy.model_fields))
            if by_node:  # a `by` that delivers nothing is left out, as check leaves it out
                node["by"] = by_node
        hooks = target.get("webhooks") or []
        if hooks:
            node["webhooks"] = [self.secrets.webhook(h, where, rule_words) for h in hooks]
        return node

    def escalation(self, item: EscalateRuleItem, section: str, name: str, channel_label: str) -> Resource:
        raw = item.as_inputs()
        where_rule = f'escalation rule "{item.rule_name}" (channel {channel_label})'
        kwargs: list[tuple[str, Any]] = [
            ("rule_name", item.rule_name),
            ("channel_id", self.lookups.ref("channel", raw["channel_id"])),
            ("template_id", self.lookups.ref("template", raw["template_id"])),
        ]
        model = CreateEscalationRuleRequest
        kwargs += _non_default(model, raw, ("priority", "aggr_window", "description"))
        if _differs(model, "time_filters", raw["time_filters"]):
            kwargs.append(("time_filters", _time_filters(raw["time_filters"])))
        if _differs(model, "filters", raw["filters"]):
            kwargs.append(("filters", _filters(raw["filters"])))
        layer_settings = [k for k in EscalateLayer.model_fields if k != "target"]
        layers: list[Any] = []
        for n, layer in enumerate(raw["layers"], 1):
            node = {"target": self._target(layer["target"], f"layer {n} of {where_rule}", [name, f"l{n}"])}
            node |= {k: _whole(v) for k, v in _non_default(EscalateLayer, layer, layer_settings)}
            layers.append(node)
        kwargs.append(("layers", layers))
        enabled = item.status != "disabled"
        if not enabled:
            kwargs.append(("enabled", False))
        kwargs.append(("adopt_rule_id", item.rule_id.lower()))
        return Resource(
            section=section,
            call=Call("fd.EscalationRule", (name,), tuple(kwargs)),
            provider=self.esc,
            live_api=self.esc.live_inputs(raw),
            live_enabled=enabled,
            title=where_rule,
        )

    # -- silence rules -----------------------------------------------------------------------------

    def silence(self, item: SilenceRuleItem, section: str, name: str, channel_label: str) -> Resource:
        raw = item.as_inputs()
        kwargs: list[tuple[str, Any]] = [
            ("rule_name", item.rule_name),
            ("channel_id", self.lookups.ref("channel", raw["channel_id"])),
        ]
        kwargs += _non_default(
            CreateSilenceRuleRequest, raw, ("priority", "description", "is_directly_discard")
        )
        kwargs.append(("filters", _filters(raw["filters"])))
        once = raw.get("time_filter")
        if once is not None:
            window = {"start_time": once["start_time"], "end_time": once["end_time"]}
            note = f"{_utc(once['start_time'])} to {_utc(once['end_time'])}"
            kwargs.append(("time_filter", Commented(window, note)))
        else:
            kwargs.append(("time_filters", _time_filters(raw.get("time_filters") or [])))
        enabled = item.status != "disabled"
        if not enabled:
            kwargs.append(("enabled", False))
        kwargs.append(("adopt_rule_id", item.rule_id.lower()))
        res = Resource(
            section=section,
            call=Call("fd.SilenceRule", (name,), tuple(kwargs)),
            provider=self.sil,
            live_api=self.sil.live_inputs(raw),
            live_enabled=enabled,
            title=f'silence rule "{item.rule_name}" (channel {channel_label})',
        )
        if item.is_auto_delete:
            res.notes.append(
                "In Flashduty this rule deletes itself once its window has passed (is_auto_delete), which "
                "this package does not manage: an update from Pulumi sends the rule without it."
            )
        return res

    # -- routes ------------------------------------------------------------------------------------

    def _case(self, case: dict[str, Any]) -> dict[str, Any]:
        node: dict[str, Any] = {"if": _conditions(case["if"])}
        channels = [self.lookups.ref("channel", i) for i in case["channel_ids"]]
        if case["routing_mode"] == "name_mapping":  # said first: the channel comes from the label
            node["routing_mode"] = "name_mapping"
            node["name_mapping_label"] = case.get("name_mapping_label", "")
            if channels:
                node["channel_ids"] = channels
        else:
            node["channel_ids"] = channels
            if _differs(RouteCase, "routing_mode", case["routing_mode"]):
                node["routing_mode"] = case["routing_mode"]
        if _differs(RouteCase, "fallthrough", case["fallthrough"]):
            node["fallthrough"] = case["fallthrough"]
        return node

    def routing(self, integration_id: int, route: RouteItem, name: str) -> Resource:
        raw = route.as_inputs()
        integration = Commented(
            canonical_id(integration_id), "integrations have no look-up: the API cannot list them"
        )
        kwargs: list[tuple[str, Any]] = [("integration_id", integration)]
        if _differs(UpsertRouteRequest, "cases", raw["cases"]):
            kwargs.append(("cases", [self._case(case) for case in raw["cases"]]))
        if _differs(UpsertRouteRequest, "default", raw.get("default")):
            channels = [self.lookups.ref("channel", i) for i in raw["default"]["channel_ids"]]
            kwargs.append(("default", {"channel_ids": channels}))
        if _differs(UpsertRouteRequest, "sections", raw["sections"]):
            kwargs.append(
                ("sections", [{"name": s["name"], "position": s["position"]} for s in raw["sections"]])
            )
        kwargs.append(("adopt", True))
        return Resource(
            section="routes",
            call=Call("fd.RoutingRule", (name,), tuple(kwargs)),
            provider=self.route,
            live_api=self.route.live_inputs(raw),
            live_enabled=None,
            title=f"routing rule of integration {integration_id}",
        )
