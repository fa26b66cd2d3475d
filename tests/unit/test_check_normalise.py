"""check(): canonical form, server defaults, unknown values and the int64 rules."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from flashduty_pulumi.models import defaults
from flashduty_pulumi.providers import EscalationRuleProvider, RoutingRuleProvider, SilenceRuleProvider
from flashduty_pulumi.providers.base import FlashdutyProvider

pytestmark = pytest.mark.unit

CH, CH2 = 5201314520131, 5201314521131
ALICE, BOB = 3141592653131, 3141592654131
BIG = "9007199254740993"


def check_ok(provider: FlashdutyProvider, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, {**news, "__provider": "p"})
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    assert "__provider" not in result.inputs
    return result.inputs


def failures(provider: FlashdutyProvider, news: dict[str, Any]) -> list[tuple[str, str]]:
    return [(getattr(f, "path", f.property), f.reason) for f in provider.check({}, news).failures]


def esc(**over: Any) -> dict[str, Any]:
    return {
        "channel_id": float(CH),
        "rule_name": "oncall",
        "template_id": defaults.PRESET_TEMPLATE_ID,
        "layers": [{"target": {"person_ids": [float(ALICE)], "by": {"follow_preference": True}}}],
        **over,
    }


def sil(**over: Any) -> dict[str, Any]:
    return {
        "channel_id": float(CH),
        "rule_name": "quiet",
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
        "time_filters": [{"start": "01:00", "end": "02:00"}],
        **over,
    }


def rte(**over: Any) -> dict[str, Any]:
    return {
        "integration_id": 6022140857131.0,
        "cases": [
            {"if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}], "channel_ids": [float(CH)]}
        ],
        **over,
    }


# ------------------------------------------------------------------------ canonical form


def test_escalation_fills_server_defaults() -> None:
    out = check_ok(EscalationRuleProvider(), esc())
    assert out["priority"] == defaults.DEFAULT_ESCALATION_PRIORITY
    assert out["aggr_window"] == defaults.DEFAULT_ESCALATION_AGGR_WINDOW
    assert out["description"] == defaults.DEFAULT_DESCRIPTION
    assert out["time_filters"] == [] and out["filters"] == []
    assert out["enabled"] is True and "adopt_rule_id" not in out
    layer = out["layers"][0]
    assert layer["max_times"] == defaults.DEFAULT_LAYER_MAX_TIMES
    assert layer["notify_step"] == defaults.DEFAULT_LAYER_NOTIFY_STEP
    assert layer["escalate_window"] == defaults.DEFAULT_LAYER_ESCALATE_WINDOW
    assert layer["force_escalate"] is defaults.DEFAULT_LAYER_FORCE_ESCALATE
    assert out["channel_id"] == CH and isinstance(out["channel_id"], int)


def test_order_free_lists_are_sorted_and_deduplicated() -> None:
    target = {
        "person_ids": [float(BOB), float(ALICE), float(BOB)],
        "team_ids": [3.0, 1.0, 2.0, 1.0],
        "emails": ["z@example.com", "a@example.com", "z@example.com"],
        "schedule_to_role_ids": {"9": [2.0, 0.0, 2.0], "10": [1.0]},
        "by": {"critical": ["voice", "sms", "voice"], "warning": ["sms", "email"]},
    }
    out = check_ok(
        EscalationRuleProvider(),
        esc(
            layers=[{"target": target}],
            filters=[[{"key": "severity", "oper": "IN", "vals": ["Warning", "Critical", "Warning"]}]],
            time_filters=[{"start": "09:00", "end": "18:00", "repeat": [5.0, 1.0, 3.0, 1.0]}],
        ),
    )
    t = out["layers"][0]["target"]
    assert t["person_ids"] == [ALICE, BOB]
    assert t["team_ids"] == [1, 2, 3]
    assert t["emails"] == ["a@example.com", "z@example.com"]
    assert t["schedule_to_role_ids"] == {"10": [1], "9": [0, 2]}
    assert t["by"]["critical"] == ["sms", "voice"] and t["by"]["warning"] == ["email", "sms"]
    assert out["filters"][0][0]["vals"] == ["Critical", "Warning"]
    assert out["time_filters"][0]["repeat"] == [1, 3, 5]


def test_meaningful_order_is_kept() -> None:
    layers = [
        {"target": {"person_ids": [float(BOB)], "by": {"follow_preference": True}}},
        {"target": {"person_ids": [float(ALICE)], "by": {"follow_preference": True}}},
    ]
    groups = [
        [{"key": "title", "oper": "IN", "vals": ["b"]}, {"key": "severity", "oper": "IN", "vals": ["Info"]}],
        [{"key": "labels.a", "oper": "NOTIN", "vals": ["x"]}],
    ]
    windows = [{"start": "12:00", "end": "13:00"}, {"start": "01:00", "end": "02:00"}]
    out = check_ok(EscalationRuleProvider(), esc(layers=layers, filters=groups, time_filters=windows))
    assert [la["target"]["person_ids"] for la in out["layers"]] == [[BOB], [ALICE]]
    assert [[c["key"] for c in g] for g in out["filters"]] == [["title", "severity"], ["labels.a"]]
    assert [w["start"] for w in out["time_filters"]] == ["12:00", "01:00"]

    cases = [
        {"if": [{"key": "title", "oper": "IN", "vals": ["b"]}], "channel_ids": [float(CH2), float(CH)]},
        {
            "if": [{"key": "title", "oper": "IN", "vals": ["a"]}],
            "channel_ids": [float(CH)],
            "fallthrough": True,
        },
    ]
    route = check_ok(
        RoutingRuleProvider(),
        rte(cases=cases, sections=[{"name": "Z", "position": 1.0}, {"name": "A", "position": 0.0}]),
    )
    assert [c["if"][0]["vals"] for c in route["cases"]] == [["b"], ["a"]]
    assert route["cases"][0]["channel_ids"] == [CH, CH2]
    assert [s["name"] for s in route["sections"]] == ["Z", "A"]


def test_empty_recipient_lists_and_a_silent_by_are_dropped() -> None:
    target = {
        "person_ids": [],
        "team_ids": [7.0],
        "by": {"follow_preference": False},
        "webhooks": [{"type": "feishu", "settings": {"token": "t", "alias": "ops"}}],
    }
    out = check_ok(EscalationRuleProvider(), esc(layers=[{"target": target}]))
    assert out["layers"][0]["target"] == {"team_ids": [7], "webhooks": target["webhooks"]}


def test_object_ids_are_lower_case() -> None:
    out = check_ok(
        EscalationRuleProvider(),
        esc(template_id="66F1E2D3C4B5A69788990011", adopt_rule_id="66F1E2D3C4B5A697889900AA"),
    )
    assert out["template_id"] == "66f1e2d3c4b5a69788990011"
    assert out["adopt_rule_id"] == "66f1e2d3c4b5a697889900aa"


def test_silence_windows() -> None:
    once = check_ok(
        SilenceRuleProvider(),
        sil(time_filters=None, time_filter={"start_time": 1.9e9, "end_time": 1.9e9 + 60}),
    )
    assert once["time_filter"] == {"start_time": 1900000000, "end_time": 1900000060}
    assert "time_filters" not in once
    recurring = check_ok(SilenceRuleProvider(), sil())
    assert "time_filter" not in recurring
    assert recurring["time_filters"] == [{"start": "01:00", "end": "02:00", "repeat": []}]
    assert recurring["priority"] == defaults.DEFAULT_SILENCE_PRIORITY
    assert recurring["is_directly_discard"] is defaults.DEFAULT_SILENCE_IS_DIRECTLY_DISCARD


def test_route_defaults_and_own_inputs() -> None:
    out = check_ok(RoutingRuleProvider(), rte())
    case = out["cases"][0]
    assert case["fallthrough"] is defaults.DEFAULT_FALLTHROUGH
    assert case["routing_mode"] == defaults.DEFAULT_ROUTING_MODE
    assert out["sections"] == [] and "default" not in out and "version" not in out
    assert out["adopt"] is False and out["delete_behavior"] == "retain"


@pytest.mark.parametrize(
    ("provider", "news"),
    [
        (
            EscalationRuleProvider(),
            esc(description="x", time_filters=[{"start": "01:00", "end": "02:00", "repeat": [3.0, 1.0]}]),
        ),
        (SilenceRuleProvider(), sil()),
        (
            RoutingRuleProvider(),
            rte(default={"channel_ids": [float(CH2), float(CH)]}, delete_behavior="reset"),
        ),
    ],
    ids=["escalation", "silence", "route"],
)
def test_check_is_idempotent(provider: FlashdutyProvider, news: dict[str, Any]) -> None:
    once = check_ok(provider, news)
    assert check_ok(provider, once) == once


def test_computed_outputs_in_the_inputs_are_ignored() -> None:
    news = esc(rule_id=None, status=None, created_at=None, updated_at=None)
    assert "rule_id" not in check_ok(EscalationRuleProvider(), news)
    # and a state that carries them (olds passed back as news) does not fail either
    assert check_ok(EscalationRuleProvider(), esc(rule_id="66f1e2d3c4b5a697889900aa", status="enabled"))


# ------------------------------------------------------------------------ int64 IDs


def test_ids_as_decimal_strings() -> None:
    out = check_ok(
        EscalationRuleProvider(),
        esc(
            channel_id=str(CH),
            layers=[
                {"target": {"person_ids": [BIG, " 42 ", float(ALICE)], "by": {"follow_preference": True}}}
            ],
        ),
    )
    assert out["channel_id"] == CH
    assert out["layers"][0]["target"]["person_ids"] == [42, ALICE, BIG]


@pytest.mark.parametrize("value", [float(2**53), float(2**53 + 2), 2**53 + 1, 1e18])
def test_numbers_from_2_pow_53_are_rejected(value: float) -> None:
    found = failures(EscalationRuleProvider(), esc(channel_id=value))
    assert [p for p, _ in found] == ["channel_id"]
    assert "decimal string" in found[0][1]


def test_just_below_2_pow_53_is_fine() -> None:
    out = check_ok(RoutingRuleProvider(), rte(integration_id=float(2**53 - 1)))
    assert out["integration_id"] == 2**53 - 1


def test_big_ids_stay_strings_and_small_strings_become_ints() -> None:
    out = check_ok(RoutingRuleProvider(), rte(default={"channel_ids": [BIG, "12", 12.0]}))
    assert out["default"]["channel_ids"] == [12, BIG]


# ------------------------------------------------------------------------ unknown values

U = UNKNOWN


@pytest.mark.parametrize("unknown", [U, Unknown()], ids=["guid", "object"])
@pytest.mark.parametrize(
    ("provider", "news"),
    [
        (EscalationRuleProvider(), esc(channel_id="?")),  # an int field
        (EscalationRuleProvider(), esc(layers="?")),  # a list field
        (EscalationRuleProvider(), esc(template_id="?")),  # a patterned string
        (
            EscalationRuleProvider(),
            esc(layers=[{"target": {"person_ids": [float(ALICE), "?"], "by": {"follow_preference": True}}}]),
        ),
        (
            EscalationRuleProvider(),
            esc(layers=[{"target": {"person_ids": "?", "by": {"follow_preference": True}}}]),
        ),
        (EscalationRuleProvider(), esc(layers=[{"target": "?", "max_times": "?"}])),
        (EscalationRuleProvider(), esc(priority="?", aggr_window="?", enabled="?")),
        (EscalationRuleProvider(), esc(filters=[[{"key": "severity", "oper": "IN", "vals": ["Info", "?"]}]])),
        (EscalationRuleProvider(), esc(time_filters=[{"start": "?", "end": "02:00", "repeat": ["?"]}])),
        (SilenceRuleProvider(), sil(time_filters=None, time_filter={"start_time": "?", "end_time": 1.0})),
        (SilenceRuleProvider(), sil(filters="?")),
        (SilenceRuleProvider(), sil(time_filters="?")),
        (RoutingRuleProvider(), rte(integration_id="?")),
        (
            RoutingRuleProvider(),
            rte(cases=[{"if": [{"key": "severity", "oper": "IN", "vals": ["x"]}], "channel_ids": "?"}]),
        ),
        (RoutingRuleProvider(), rte(cases="?", default="?", delete_behavior="reset")),
        (RoutingRuleProvider(), rte(default={"channel_ids": ["?"]}, delete_behavior="reset")),
        (RoutingRuleProvider(), rte(adopt="?", delete_behavior="?")),
    ],
)
def test_unknowns_are_never_flagged(provider: FlashdutyProvider, news: dict[str, Any], unknown: Any) -> None:
    def put(value: Any) -> Any:
        if value == "?":
            return unknown
        if isinstance(value, dict):
            return {k: put(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [put(v) for v in value]
        return value

    inputs = check_ok(provider, put(news))

    # the unknowns are handed on as they came, so the engine still sees them as unknown
    def unknowns(value: Any) -> int:
        if value is unknown or (isinstance(value, str) and value == U):
            return 1
        if isinstance(value, dict):
            return sum(unknowns(v) for v in value.values())
        if isinstance(value, list):
            return sum(unknowns(v) for v in value)
        return 0

    assert unknowns(inputs) == unknowns(put(news)) > 0


def test_known_mistakes_next_to_unknowns_are_still_flagged() -> None:
    found = failures(EscalationRuleProvider(), esc(channel_id=Unknown(), rule_name="x" * 40, priority=999.0))
    assert sorted(p for p, _ in found) == ["priority", "rule_name"]
    found = failures(
        EscalationRuleProvider(),
        esc(
            layers=[
                {"target": {"person_ids": [Unknown()], "by": {"follow_preference": True}}},
                {"target": {"person_ids": [1.0], "by": {"follow_preference": True}}, "max_times": 9.0},
            ]
        ),
    )
    assert [p for p, _ in found] == ["layers[1].max_times"]


def test_known_parts_of_a_partly_unknown_input_are_canonical() -> None:
    out = check_ok(
        EscalationRuleProvider(),
        esc(
            channel_id=Unknown(),
            layers=[
                {"target": {"person_ids": [float(BOB), float(ALICE)], "by": {"follow_preference": True}}}
            ],
        ),
    )
    assert out["layers"][0]["target"]["person_ids"] == [ALICE, BOB]
    assert isinstance(out["channel_id"], Unknown)
