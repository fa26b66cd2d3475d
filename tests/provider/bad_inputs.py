"""A table of broken rule inputs, each with the field path its CheckFailure must name.

Shared by tests/unit/test_check_bad_inputs.py (the provider objects, in-process) and
tests/provider/test_grpc_check_table.py (the real provider process, with the emulator's request log
proving that nothing reached the API). Numbers are given as floats where the engine would send
floats, so the table exercises what ``pulumi preview`` really hands to ``check``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CHANNEL = 5201314520131
INTEGRATION = 6022140857131
ALICE = 3141592653131
PRESET = "000000000000000000000001"
TOO_BIG = float(2**53 + 2)  # what the engine hands over for 9007199254740994


def escalation() -> dict[str, Any]:
    return {
        "channel_id": float(CHANNEL),
        "rule_name": "Payments on-call",
        "template_id": PRESET,
        "layers": [{"target": {"person_ids": [float(ALICE)], "by": {"follow_preference": True}}}],
    }


def silence() -> dict[str, Any]:
    return {
        "channel_id": float(CHANNEL),
        "rule_name": "Nightly maintenance",
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
        "time_filters": [{"start": "01:00", "end": "03:00", "repeat": [0.0, 6.0]}],
    }


def route() -> dict[str, Any]:
    return {
        "integration_id": float(INTEGRATION),
        "cases": [
            {"if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}], "channel_ids": [float(CHANNEL)]}
        ],
        "default": {"channel_ids": [float(CHANNEL)]},
    }


BASES: dict[str, Callable[[], dict[str, Any]]] = {
    "EscalationRule": escalation,
    "SilenceRule": silence,
    "RoutingRule": route,
}


@dataclass(frozen=True)
class Bad:
    kind: str
    why: str
    change: Callable[[dict[str, Any]], None]
    path: str

    def inputs(self) -> dict[str, Any]:
        props = copy.deepcopy(BASES[self.kind]())
        self.change(props)
        return props

    def __str__(self) -> str:
        return f"{self.kind}: {self.why}"


def _set(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda p: p.update(values)


def _drop(*keys: str) -> Callable[[dict[str, Any]], None]:
    def change(p: dict[str, Any]) -> None:
        for k in keys:
            p.pop(k, None)

    return change


def _layer(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda p: p["layers"][0].update(values)


def _target(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda p: p["layers"][0]["target"].update(values)


def _case(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda p: p["cases"][0].update(values)


def _cond(
    target: Callable[[dict[str, Any]], dict[str, Any]], **values: Any
) -> Callable[[dict[str, Any]], None]:
    return lambda p: target(p).update(values)


E, S, R = "EscalationRule", "SilenceRule", "RoutingRule"

BAD_INPUTS: list[Bad] = [
    # ------------------------------------------------------------------ escalation rules
    Bad(E, "channel_id missing", _drop("channel_id"), "channel_id"),
    Bad(E, "channel_id not a number", _set(channel_id="payments"), "channel_id"),
    Bad(E, "channel_id zero", _set(channel_id=0.0), "channel_id"),
    Bad(E, "channel_id above 2**53 as a number", _set(channel_id=TOO_BIG), "channel_id"),
    Bad(E, "channel_id fractional", _set(channel_id=12.5), "channel_id"),
    Bad(E, "rule_name empty", _set(rule_name=""), "rule_name"),
    Bad(E, "rule_name 40 characters", _set(rule_name="x" * 40), "rule_name"),
    Bad(E, "template_id not an ObjectID", _set(template_id="default"), "template_id"),
    Bad(E, "no layers", _set(layers=[]), "layers"),
    Bad(E, "layer without target", lambda p: p["layers"][0].pop("target"), "layers[0].target"),
    Bad(E, "target without recipients", _target(person_ids=[]), "layers[0].target"),
    Bad(
        E, "target without a way to deliver", lambda p: p["layers"][0]["target"].pop("by"), "layers[0].target"
    ),
    Bad(E, "max_times above 6", _layer(max_times=7.0), "layers[0].max_times"),
    Bad(E, "notify_step below 0.5", _layer(notify_step=0.1), "layers[0].notify_step"),
    Bad(E, "escalate_window above 720", _layer(escalate_window=721.0), "layers[0].escalate_window"),
    Bad(E, "force_escalate not a bool", _layer(force_escalate="yes"), "layers[0].force_escalate"),
    Bad(E, "person_id not a number", _target(person_ids=["alice"]), "layers[0].target.person_ids[0]"),
    Bad(
        E,
        "person_id above 2**53 as a number",
        _target(person_ids=[TOO_BIG]),
        "layers[0].target.person_ids[0]",
    ),
    Bad(E, "email malformed", _target(emails=["alice-at-example"]), "layers[0].target.emails[0]"),
    Bad(
        E,
        "webhook without settings",
        _target(webhooks=[{"type": "feishu"}]),
        "layers[0].target.webhooks[0].settings",
    ),
    Bad(E, "priority above 200", _set(priority=201.0), "priority"),
    Bad(E, "aggr_window above 3600", _set(aggr_window=3601.0), "aggr_window"),
    Bad(E, "description over 500 characters", _set(description="d" * 501), "description"),
    Bad(
        E,
        "filter operator unknown",
        _set(filters=[[{"key": "severity", "oper": "EQ", "vals": ["Info"]}]]),
        "filters[0][0].oper",
    ),
    Bad(E, "filter AND-group empty", _set(filters=[[]]), "filters[0]"),
    Bad(
        E,
        "time window start not HH:MM",
        _set(time_filters=[{"start": "25:00", "end": "26:00"}]),
        "time_filters[0].start",
    ),
    Bad(
        E,
        "weekday 7",
        _set(time_filters=[{"start": "01:00", "end": "02:00", "repeat": [7.0]}]),
        "time_filters[0].repeat[0]",
    ),
    Bad(E, "enabled not a bool", _set(enabled="yes"), "enabled"),
    Bad(E, "adopt_rule_id not an ObjectID", _set(adopt_rule_id="123"), "adopt_rule_id"),
    Bad(E, "misspelt field", _set(prioriti=3.0), "prioriti"),
    Bad(E, "rule_name 40 CJK characters", _set(rule_name="值" * 40), "rule_name"),
    Bad(E, "rule_name 40 emoji", _set(rule_name="🚨" * 40), "rule_name"),
    Bad(E, "team_id above 2**53 as a number", _target(team_ids=[TOO_BIG]), "layers[0].target.team_ids[0]"),
    Bad(
        E,
        "weekday -1",
        _set(time_filters=[{"start": "01:00", "end": "02:00", "repeat": [-1.0]}]),
        "time_filters[0].repeat[0]",
    ),
    Bad(
        E,
        "time window inverted (crosses midnight)",
        _set(time_filters=[{"start": "22:00", "end": "06:00"}]),
        "time_filters[0].end",
    ),
    Bad(
        E,
        "time window of zero length",
        _set(time_filters=[{"start": "09:00", "end": "09:00"}]),
        "time_filters[0].end",
    ),
    Bad(
        E,
        "filter operator lower-case",
        _set(filters=[[{"key": "severity", "oper": "in", "vals": ["Info"]}]]),
        "filters[0][0].oper",
    ),
    Bad(
        E, "delivery channel unknown", _target(by={"critical": ["pigeon"]}), "layers[0].target.by.critical[0]"
    ),
    Bad(
        E,
        "IM app without its integration",
        _target(by={"warning": ["feishu"]}),
        "layers[0].target.by.warning[0]",
    ),
    Bad(
        E,
        "webhook type unknown",
        _target(webhooks=[{"type": "pager", "settings": {"token": "t"}}]),
        "layers[0].target.webhooks[0].type",
    ),
    Bad(
        E,
        "webhook bot without token",
        _target(webhooks=[{"type": "feishu", "settings": {"alias": "ops"}}]),
        "layers[0].target.webhooks[0].settings.token",
    ),
    Bad(
        E,
        "webhook bot without alias",
        _target(webhooks=[{"type": "dingtalk", "settings": {"token": "https://hooks.example/t"}}]),
        "layers[0].target.webhooks[0].settings.alias",
    ),
    Bad(
        E,
        "webhook settings empty",
        _target(webhooks=[{"type": "wecom", "settings": {}}]),
        "layers[0].target.webhooks[0].settings.token",
    ),
    Bad(
        E,
        "IM-app webhook without chats",
        _target(webhooks=[{"type": "feishu_app", "settings": {"data_source_id": 7.0}}]),
        "layers[0].target.webhooks[0].settings.chat_ids",
    ),
    Bad(
        E,
        "webhook settings not an object",
        _target(webhooks=[{"type": "feishu", "settings": "https://hooks.example/t"}]),
        "layers[0].target.webhooks[0].settings",
    ),
    Bad(
        E,
        "webhook without type",
        _target(webhooks=[{"settings": {"token": "t", "alias": "a"}}]),
        "layers[0].target.webhooks[0].type",
    ),
    # ------------------------------------------------------------------ silence rules
    Bad(S, "filters empty", _set(filters=[]), "filters"),
    Bad(S, "filters missing", _drop("filters"), "filters"),
    Bad(
        S,
        "filter vals empty",
        _set(filters=[[{"key": "severity", "oper": "IN", "vals": []}]]),
        "filters[0][0].vals",
    ),
    Bad(S, "filter key missing", _set(filters=[[{"oper": "IN", "vals": ["Info"]}]]), "filters[0][0].key"),
    Bad(S, "no window at all", _drop("time_filters"), "time_filter"),
    Bad(S, "both windows", _set(time_filter={"start_time": 1.9e9, "end_time": 1.9e9 + 3600}), "time_filters"),
    Bad(
        S,
        "one-off window ends before it starts",
        lambda p: (p.pop("time_filters"), p.update(time_filter={"start_time": 1.9e9, "end_time": 1.8e9})),
        "time_filter.end_time",
    ),
    Bad(
        S,
        "one-off window start zero",
        lambda p: (p.pop("time_filters"), p.update(time_filter={"start_time": 0.0, "end_time": 1.8e9})),
        "time_filter.start_time",
    ),
    Bad(
        S,
        "calendar and weekdays in one window",
        _set(time_filters=[{"start": "01:00", "end": "03:00", "repeat": [1.0], "cal_id": "cal.x"}]),
        "time_filters[0].cal_id",
    ),
    Bad(S, "rule_name missing", _drop("rule_name"), "rule_name"),
    Bad(S, "is_directly_discard not a bool", _set(is_directly_discard="no"), "is_directly_discard"),
    Bad(S, "priority negative", _set(priority=-1.0), "priority"),
    Bad(S, "channel_id with letters", _set(channel_id="12x"), "channel_id"),
    Bad(S, "enabled a number", _set(enabled=1.0), "enabled"),
    Bad(S, "adopt_rule_id too short", _set(adopt_rule_id="66f1e2d3c4b5a6978899001"), "adopt_rule_id"),
    Bad(S, "rule_name 40 accented characters", _set(rule_name="é" * 40), "rule_name"),
    Bad(S, "channel_id above 2**53 as a number", _set(channel_id=TOO_BIG), "channel_id"),
    Bad(
        S,
        "filter operator unknown",
        _set(filters=[[{"key": "severity", "oper": "EQUALS", "vals": ["Info"]}]]),
        "filters[0][0].oper",
    ),
    Bad(S, "filter AND-group empty", _set(filters=[[]]), "filters[0]"),
    Bad(
        S,
        "one-off window in the past",
        lambda p: (
            p.pop("time_filters"),
            p.update(time_filter={"start_time": 1.6e9, "end_time": 1.6e9 + 3600}),
        ),
        "time_filter.end_time",
    ),
    Bad(
        S,
        "one-off window of zero length",
        lambda p: (p.pop("time_filters"), p.update(time_filter={"start_time": 1.9e9, "end_time": 1.9e9})),
        "time_filter.end_time",
    ),
    Bad(
        S,
        "recurring window inverted",
        _set(time_filters=[{"start": "23:00", "end": "01:00"}]),
        "time_filters[0].end",
    ),
    Bad(
        S,
        "weekday 7",
        _set(time_filters=[{"start": "01:00", "end": "03:00", "repeat": [7.0]}]),
        "time_filters[0].repeat[0]",
    ),
    # ------------------------------------------------------------------ routing rules
    Bad(R, "integration_id missing", _drop("integration_id"), "integration_id"),
    Bad(R, "integration_id above 2**53 as a number", _set(integration_id=TOO_BIG), "integration_id"),
    Bad(R, "neither cases nor default", _drop("cases", "default"), "cases"),
    Bad(R, "standard case without channels", _case(channel_ids=[]), "cases[0].channel_ids"),
    Bad(
        R,
        "name_mapping case without label",
        _case(channel_ids=[], routing_mode="name_mapping"),
        "cases[0].name_mapping_label",
    ),
    Bad(R, "routing_mode unknown", _case(routing_mode="smart"), "cases[0].routing_mode"),
    Bad(R, "fallthrough not a bool", _case(fallthrough="no"), "cases[0].fallthrough"),
    Bad(
        R,
        "case condition operator unknown",
        _cond(lambda p: p["cases"][0]["if"][0], oper="LIKE"),
        "cases[0].if[0].oper",
    ),
    Bad(R, "case channel above 2**53 as a number", _case(channel_ids=[TOO_BIG]), "cases[0].channel_ids[0]"),
    Bad(R, "section beyond the cases", _set(sections=[{"name": "A", "position": 5.0}]), "sections"),
    Bad(
        R,
        "section names repeated",
        _set(sections=[{"name": "A", "position": 0.0}, {"name": "A", "position": 1.0}]),
        "sections",
    ),
    Bad(R, "default without channels", _set(default={"channel_ids": []}), "default.channel_ids"),
    Bad(R, "delete_behavior unknown", _set(delete_behavior="destroy"), "delete_behavior"),
    Bad(
        R,
        "reset without a default",
        lambda p: (p.pop("default"), p.update(delete_behavior="reset")),
        "default.channel_ids",
    ),
    Bad(R, "adopt not a bool", _set(adopt="yes"), "adopt"),
    Bad(R, "integration_id negative", _set(integration_id=-1.0), "integration_id"),
    Bad(
        R,
        "name_mapping label not labels.<name>",
        _case(channel_ids=[], routing_mode="name_mapping", name_mapping_label="team"),
        "cases[0].name_mapping_label",
    ),
    Bad(
        R,
        "case condition without values",
        _cond(lambda p: p["cases"][0]["if"][0], vals=[]),
        "cases[0].if[0].vals",
    ),
    Bad(
        R,
        "default channel above 2**53 as a number",
        _set(default={"channel_ids": [TOO_BIG]}),
        "default.channel_ids[0]",
    ),
]
