"""Request models: good and bad bodies, readable field paths, exact int64s, defaults; lenient responses."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from flashduty_pulumi.models import (
    CreateEscalationRuleRequest,
    CreateSilenceRuleRequest,
    EscalateRuleItem,
    ListChannelsRequest,
    RouteItem,
    SilenceRuleItem,
    TeamInfoRequest,
    UpdateEscalationRuleRequest,
    UpdateSilenceRuleRequest,
    UpsertRouteRequest,
    defaults,
    field_path,
    validation_failures,
)

pytestmark = pytest.mark.unit

BIG = 2**53 + 1  # not representable as a float
RULE_ID = "5f2d8c0e9a1b2c3d4e5f6a7b"
TEMPLATE_ID = defaults.PRESET_TEMPLATE_ID


def escalation() -> dict[str, Any]:
    return {
        "channel_id": 3521074710131,
        "template_id": TEMPLATE_ID,
        "rule_name": "on-call",
        "layers": [{"target": {"person_ids": [101], "by": {"follow_preference": True}}}],
    }


def silence() -> dict[str, Any]:
    return {
        "channel_id": 3521074710131,
        "rule_name": "maintenance",
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
        "time_filter": {"start_time": 1_700_000_000, "end_time": 1_700_003_600},
    }


def route() -> dict[str, Any]:
    return {
        "integration_id": 6113996590131,
        "cases": [{"if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}], "channel_ids": [1]}],
        "default": {"channel_ids": [2]},
    }


def failures(model: type[BaseModel], body: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(body)
    return validation_failures(info.value)


def paths(model: type[BaseModel], body: dict[str, Any]) -> list[str]:
    return [p for p, _ in failures(model, body)]


# ------------------------------------------------------------------------------- field paths


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("layers", 0, "target"), "layers[0].target"),
        (("filters", 0, 1, "oper"), "filters[0][1].oper"),
        (("rule_name",), "rule_name"),
        (("cases", 2, "if", 0, "vals", 3), "cases[2].if[0].vals[3]"),
        (("schedule_to_role_ids", "12", 0), 'schedule_to_role_ids["12"][0]'),
        (("schedule_to_role_ids", "abc", "[key]"), 'schedule_to_role_ids["abc"]'),
        ((), ""),
    ],
)
def test_field_path(loc: tuple[str | int, ...], expected: str) -> None:
    assert field_path(loc) == expected


def test_errors_name_the_nested_field() -> None:
    body = escalation()
    body["filters"] = [
        [{"key": "severity", "oper": "IN", "vals": ["Critical"]}, {"key": "x", "oper": "EQ", "vals": ["a"]}]
    ]
    body["layers"].append({"target": {"person_ids": [1]}})
    got = dict(failures(CreateEscalationRuleRequest, body))
    assert got["filters[0][1].oper"] == "must be 'IN' or 'NOTIN'"
    assert "way to deliver" in got["layers[1].target"]


def test_missing_and_extra_fields_are_readable() -> None:
    body = escalation()
    del body["layers"]
    body["rule_nmae"] = "typo"
    got = dict(failures(CreateEscalationRuleRequest, body))
    assert got["layers"] == "is required"
    assert "not a field" in got["rule_nmae"]


# --------------------------------------------------------------------------------- int64 IDs


def test_int64_above_2_53_round_trips_exactly() -> None:
    body = escalation()
    body["channel_id"] = BIG
    body["layers"][0]["target"]["person_ids"] = [BIG, str(BIG + 2)]
    req = CreateEscalationRuleRequest.model_validate(body)
    assert req.channel_id == BIG
    sent = req.to_body()
    assert sent["layers"][0]["target"]["person_ids"] == [BIG, BIG + 2]
    text = json.dumps(sent)
    assert str(BIG) in text and str(BIG + 2) in text
    assert CreateEscalationRuleRequest.model_validate(json.loads(text)) == req
    assert CreateEscalationRuleRequest.model_validate_json(text).channel_id == BIG


def test_response_int64_stays_exact() -> None:
    item = EscalateRuleItem.model_validate_json(
        json.dumps({"rule_id": RULE_ID, "channel_id": BIG, "layers": [{"target": {"team_ids": [BIG]}}]})
    )
    assert item.channel_id == BIG and item.layers[0].target.team_ids == [BIG]


@pytest.mark.parametrize("good", [12, 12.0, "12", " 12 "])
def test_int64_id_accepts(good: Any) -> None:
    body = escalation()
    body["channel_id"] = good
    assert CreateEscalationRuleRequest.model_validate(body).channel_id == 12


@pytest.mark.parametrize(
    "bad", [True, False, 12.5, "12a", "", None, [12], 0, -3, "-3", 2**63, float(BIG + 1)]
)
def test_int64_id_rejects(bad: Any) -> None:
    body = escalation()
    body["channel_id"] = bad
    assert paths(CreateEscalationRuleRequest, body) == ["channel_id"]


@pytest.mark.parametrize("bad", [True, "1", 1.5])
def test_plain_integers_reject_bools_strings_and_fractions(bad: Any) -> None:
    body = escalation()
    body["priority"] = bad
    assert paths(CreateEscalationRuleRequest, body) == ["priority"]


# ------------------------------------------------------------------------------- escalation


def test_escalation_defaults_fill_every_optional_field() -> None:
    sent = CreateEscalationRuleRequest.model_validate(escalation()).to_body()
    assert sent["priority"] == defaults.DEFAULT_ESCALATION_PRIORITY
    assert sent["aggr_window"] == defaults.DEFAULT_ESCALATION_AGGR_WINDOW
    assert sent["description"] == "" and sent["filters"] == [] and sent["time_filters"] == []
    layer = sent["layers"][0]
    assert layer["max_times"] == defaults.DEFAULT_LAYER_MAX_TIMES == 2
    assert layer["notify_step"] == defaults.DEFAULT_LAYER_NOTIFY_STEP == 10
    assert layer["escalate_window"] == defaults.DEFAULT_LAYER_ESCALATE_WINDOW == 30
    assert layer["force_escalate"] is False
    assert "webhooks" not in layer["target"] and "team_ids" not in layer["target"]  # no nulls sent


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("x" * 39, True),
        ("x" * 40, False),
        ("é" * 39, True),
        ("名" * 39, True),
        ("名" * 40, False),
        ("", False),
    ],
)
def test_rule_name_counts_characters(name: str, ok: bool) -> None:
    body = escalation()
    body["rule_name"] = name
    if ok:
        CreateEscalationRuleRequest.model_validate(body)
    else:
        assert paths(CreateEscalationRuleRequest, body) == ["rule_name"]


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("priority", [0, 200], [-1, 201]),
        ("aggr_window", [0, 3600], [-1, 3601]),
        ("description", ["d" * 500], ["d" * 501]),
        ("template_id", ["ABCDEF0123456789abcdef01"], ["xyz", "0" * 23, "g" * 24, 5]),
    ],
)
def test_escalation_ranges(field: str, good: list[Any], bad: list[Any]) -> None:
    for value in good:
        CreateEscalationRuleRequest.model_validate({**escalation(), field: value})
    for value in bad:
        assert paths(CreateEscalationRuleRequest, {**escalation(), field: value}) == [field], value


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("max_times", [0, 6], [-1, 7]),
        ("notify_step", [0.5, 120, 2.5], [0.4, 120.5, "10"]),
        ("escalate_window", [0, 720], [-1, 721]),
        ("force_escalate", [True], ["yes", 1]),
    ],
)
def test_layer_ranges(field: str, good: list[Any], bad: list[Any]) -> None:
    for value in good:
        body = escalation()
        body["layers"][0][field] = value
        CreateEscalationRuleRequest.model_validate(body)
    for value in bad:
        body = escalation()
        body["layers"][0][field] = value
        assert paths(CreateEscalationRuleRequest, body) == [f"layers[0].{field}"], value


@pytest.mark.parametrize(
    "target",
    [
        {"by": {"follow_preference": True}},  # no recipient
        {"person_ids": [1]},  # no delivery path
        {"person_ids": [], "team_ids": [], "by": {"critical": ["sms"]}},  # empty recipients
        {"team_ids": [1], "by": {}},  # `by` that delivers nothing
        {"team_ids": [1], "webhooks": []},
    ],
)
def test_target_needs_recipient_and_delivery(target: dict[str, Any]) -> None:
    body = escalation()
    body["layers"][0]["target"] = target
    assert paths(CreateEscalationRuleRequest, body) == ["layers[0].target"]


@pytest.mark.parametrize(
    "target",
    [
        {"team_ids": [1], "by": {"critical": ["voice"], "warning": [], "info": []}},
        {
            "emails": ["a@example.com"],
            "webhooks": [{"type": "feishu", "settings": {"token": "t", "alias": "a"}}],
        },
        {"schedule_to_role_ids": {"42": [0]}, "by": {"follow_preference": True}},
        {"schedule_to_role_ids": {42: [0, 3]}, "by": {"follow_preference": True}},
    ],
)
def test_good_targets(target: dict[str, Any]) -> None:
    body = escalation()
    body["layers"][0]["target"] = target
    sent = CreateEscalationRuleRequest.model_validate(body).to_body()
    for key in sent["layers"][0]["target"].get("schedule_to_role_ids", {}):
        assert key == "42"


def test_layers_must_not_be_empty_and_emails_checked() -> None:
    assert paths(CreateEscalationRuleRequest, {**escalation(), "layers": []}) == ["layers"]
    body = escalation()
    body["layers"][0]["target"] = {"emails": ["nope"], "by": {"follow_preference": True}}
    assert paths(CreateEscalationRuleRequest, body) == ["layers[0].target.emails[0]"]


def test_update_needs_rule_id() -> None:
    assert paths(UpdateEscalationRuleRequest, escalation()) == ["rule_id"]
    assert (
        UpdateEscalationRuleRequest.model_validate({**escalation(), "rule_id": RULE_ID}).to_body()["rule_id"]
        == RULE_ID
    )


# ------------------------------------------------------------------------------ time filters


@pytest.mark.parametrize(
    ("tf", "bad_path"),
    [
        ({"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]}, None),
        ({"start": "00:00", "end": "23:59", "cal_id": "zh-cn.china.official", "is_off": True}, None),
        ({"start": "9:00", "end": "18:00"}, "time_filters[0].start"),
        ({"start": "24:00", "end": "18:00"}, "time_filters[0].start"),
        ({"start": "09:00", "end": "18:60"}, "time_filters[0].end"),
        ({"start": "09:00", "end": "18:00", "repeat": [7]}, "time_filters[0].repeat[0]"),
        ({"start": "09:00", "end": "18:00", "repeat": [-1]}, "time_filters[0].repeat[0]"),
        ({"start": "09:00", "end": "18:00", "repeat": [1], "cal_id": "c"}, "time_filters[0].cal_id"),
        ({"start": "09:00", "end": "18:00", "is_off": True}, "time_filters[0].is_off"),
        ({"end": "18:00"}, "time_filters[0].start"),
    ],
)
def test_time_filters(tf: dict[str, Any], bad_path: str | None) -> None:
    body = {**escalation(), "time_filters": [tf]}
    if bad_path is None:
        sent = CreateEscalationRuleRequest.model_validate(body).to_body()["time_filters"][0]
        assert sent["repeat"] == tf.get("repeat", [])
    else:
        assert paths(CreateEscalationRuleRequest, body) == [bad_path]


@pytest.mark.parametrize(
    ("window", "bad_path"),
    [
        ({"start_time": 0, "end_time": 10}, "time_filter.start_time"),
        ({"start_time": 10, "end_time": 10}, "time_filter.end_time"),
        ({"start_time": 20, "end_time": 10}, "time_filter.end_time"),
        ({"start_time": 10}, "time_filter.end_time"),
        ({"start_time": 10, "end_time": -1}, "time_filter.end_time"),
    ],
)
def test_once_time_filter(window: dict[str, Any], bad_path: str) -> None:
    assert paths(CreateSilenceRuleRequest, {**silence(), "time_filter": window}) == [bad_path]


# ---------------------------------------------------------------------------------- silence


def test_silence_body_and_defaults() -> None:
    sent = CreateSilenceRuleRequest.model_validate(silence()).to_body()
    assert sent["priority"] == 0 and sent["is_directly_discard"] is False and sent["description"] == ""
    assert "time_filters" not in sent and "from_incident_id" not in sent and "is_auto_delete" not in sent


def test_silence_exactly_one_window() -> None:
    both = {**silence(), "time_filters": [{"start": "01:00", "end": "02:00"}]}
    assert paths(CreateSilenceRuleRequest, both) == ["time_filters"]
    neither = silence()
    del neither["time_filter"]
    assert paths(CreateSilenceRuleRequest, neither) == ["time_filter"]
    assert paths(CreateSilenceRuleRequest, {**neither, "time_filters": []}) == ["time_filter"]
    recurring = {**neither, "time_filters": [{"start": "01:00", "end": "02:00"}]}
    assert "time_filter" not in CreateSilenceRuleRequest.model_validate(recurring).to_body()
    # A one-off window next to an empty recurring list is fine; the empty list is not sent.
    assert (
        "time_filters"
        not in CreateSilenceRuleRequest.model_validate({**silence(), "time_filters": []}).to_body()
    )


@pytest.mark.parametrize(
    ("filters", "bad_path"),
    [
        ([], "filters"),
        ([[]], "filters[0]"),
        ([[{"key": "", "oper": "IN", "vals": ["a"]}]], "filters[0][0].key"),
        ([[{"key": "k", "oper": "IN", "vals": []}]], "filters[0][0].vals"),
        (None, "filters"),
    ],
)
def test_silence_filters_not_empty(filters: Any, bad_path: str) -> None:
    body = silence()
    if filters is None:
        del body["filters"]
    else:
        body["filters"] = filters
    assert paths(CreateSilenceRuleRequest, body) == [bad_path]


def test_silence_update_has_no_from_incident_id() -> None:
    body = {**silence(), "rule_id": RULE_ID}
    UpdateSilenceRuleRequest.model_validate(body)
    assert paths(UpdateSilenceRuleRequest, {**body, "from_incident_id": RULE_ID}) == ["from_incident_id"]
    CreateSilenceRuleRequest.model_validate({**silence(), "from_incident_id": RULE_ID})


# ------------------------------------------------------------------------------------ routes


def test_route_body_always_sends_required_case_fields() -> None:
    sent = UpsertRouteRequest.model_validate(route()).to_body()
    case = sent["cases"][0]
    assert case["if"][0]["oper"] == "IN"
    assert case["fallthrough"] is False and case["routing_mode"] == "standard" and case["channel_ids"] == [1]
    assert sent["sections"] == [] and "version" not in sent


def test_name_mapping_case() -> None:
    body = route()
    body["cases"] = [{"if": [], "routing_mode": "name_mapping", "name_mapping_label": "labels.service"}]
    case = UpsertRouteRequest.model_validate(body).to_body()["cases"][0]
    assert case["channel_ids"] == [] and case["name_mapping_label"] == "labels.service"


@pytest.mark.parametrize(
    ("case", "bad_path"),
    [
        ({"if": [], "channel_ids": []}, "cases[0].channel_ids"),
        ({"if": [], "routing_mode": "name_mapping"}, "cases[0].name_mapping_label"),
        (
            {"if": [], "routing_mode": "name_mapping", "name_mapping_label": "l", "channel_ids": [1]},
            "cases[0].channel_ids",
        ),
        ({"if": [], "channel_ids": [1], "name_mapping_label": "l"}, "cases[0].name_mapping_label"),
        ({"if": [], "channel_ids": [1], "routing_mode": "magic"}, "cases[0].routing_mode"),
        ({"channel_ids": [1]}, "cases[0].if"),
        ({"if": [{"key": "k", "oper": "in", "vals": ["v"]}], "channel_ids": [1]}, "cases[0].if[0].oper"),
    ],
)
def test_bad_route_cases(case: dict[str, Any], bad_path: str) -> None:
    assert paths(UpsertRouteRequest, {**route(), "cases": [case]}) == [bad_path]


def test_route_needs_cases_or_default_and_sections_in_range() -> None:
    assert paths(UpsertRouteRequest, {"integration_id": 1}) == ["cases"]
    assert paths(UpsertRouteRequest, {"integration_id": 1, "cases": []}) == ["cases"]
    UpsertRouteRequest.model_validate({"integration_id": 1, "default": {"channel_ids": [3]}})
    ok = {**route(), "sections": [{"name": "a", "position": 0}, {"name": "b", "position": 1}]}
    UpsertRouteRequest.model_validate(ok)
    too_far = {**route(), "sections": [{"name": "a", "position": 2}]}
    assert failures(UpsertRouteRequest, too_far)[0][0] == "sections"
    dup = {**route(), "sections": [{"name": "a", "position": 0}, {"name": "a", "position": 1}]}
    assert failures(UpsertRouteRequest, dup)[0][0] == "sections"
    assert paths(UpsertRouteRequest, {**route(), "version": -1}) == ["version"]
    assert UpsertRouteRequest.model_validate({**route(), "version": 0}).to_body()["version"] == 0


# ----------------------------------------------------------------------------------- look-ups


def test_lookup_requests() -> None:
    assert ListChannelsRequest().to_body() == {"p": 1, "limit": 100}
    assert paths(ListChannelsRequest, {"limit": 101}) == ["limit"]
    assert paths(ListChannelsRequest, {"is_my_starred": True, "is_my_team": True}) == ["is_my_team"]
    assert TeamInfoRequest(team_name="sre").to_body() == {"team_name": "sre"}
    assert paths(TeamInfoRequest, {}) == [""]
    assert paths(TeamInfoRequest, {"team_id": 1, "team_name": "x"}) == [""]


# ---------------------------------------------------------------------------------- responses


def test_escalation_item_is_lenient_and_normalises() -> None:
    raw = {
        "rule_id": RULE_ID,
        "channel_id": 5,
        "template_id": TEMPLATE_ID,
        "rule_name": "r",
        "priority": 3,
        "layers": [
            {
                "target": {
                    "person_ids": [1],
                    "by": {"follow_preference": True, "critical": None},
                    "webhooks": None,
                    "team_ids": None,
                },
                "max_times": 2,
                "notify_step": 10,
                "escalate_window": 30,
                "force_escalate": False,
            }
        ],
        "time_filters": None,
        "filters": None,
        "status": "enabled",
        "new_server_field": {"x": 1},
    }
    item = EscalateRuleItem.model_validate(raw)
    assert item.layers[0].target.webhooks == [] and item.filters == [] and item.time_filters == []
    # The live rule turns into the request shape through the request model, which leaves out empties.
    inputs = CreateEscalationRuleRequest.model_validate(item.as_inputs()).to_body()
    assert inputs["layers"][0]["target"] == {
        "person_ids": [1],
        "by": {"follow_preference": True, "critical": [], "warning": [], "info": []},
    }
    # What we would send for the same rule normalises to the same shape.
    sent = CreateEscalationRuleRequest.model_validate({**inputs}).to_body()
    assert sent == inputs


@pytest.mark.parametrize("window", [None, {"start_time": 0, "end_time": 0}])
def test_recurring_silence_item(window: Any) -> None:
    raw = {
        "rule_id": RULE_ID,
        "channel_id": 5,
        "rule_name": "r",
        "time_filter": window,
        "time_filters": [{"start": "01:00", "end": "02:00", "repeat": [1], "cal_id": "", "is_off": False}],
        "filters": [[{"key": "k", "oper": "IN", "vals": ["v"]}]],
        "from_incident_id": defaults.ZERO_OBJECT_ID,
    }
    item = SilenceRuleItem.model_validate(raw)
    assert item.once_window is None
    inputs = item.as_inputs()
    assert "time_filter" not in inputs and inputs["time_filters"] == [
        {"start": "01:00", "end": "02:00", "repeat": [1]}
    ]
    assert CreateSilenceRuleRequest.model_validate(inputs).to_body() == inputs


def test_once_silence_item_round_trip() -> None:
    raw = {**silence(), "rule_id": RULE_ID, "time_filters": [], "is_effective": True, "status": "enabled"}
    inputs = SilenceRuleItem.model_validate(raw).as_inputs()
    assert CreateSilenceRuleRequest.model_validate(inputs).to_body() == inputs


def test_route_item_round_trip() -> None:
    raw = {
        "integration_id": 9,
        "version": 4,
        "updated_by": 1,
        "creator_id": 1,
        "status": "enabled",
        "cases": [
            {
                "if": [{"key": "k", "oper": "IN", "vals": ["v"]}],
                "channel_ids": None,
                "fallthrough": False,
                "routing_mode": "",
                "name_mapping_label": "",
            },
            {
                "if": [],
                "channel_ids": None,
                "fallthrough": True,
                "routing_mode": "name_mapping",
                "name_mapping_label": "labels.service",
            },
        ],
        "sections": None,
        "default": None,
    }
    item = RouteItem.model_validate(raw)
    assert item.cases[0].routing_mode == "standard" and item.cases[0].channel_ids == []
    inputs = item.as_inputs()
    assert "default" not in inputs and inputs["sections"] == []
    fixed = copy.deepcopy(inputs)
    fixed["cases"][0]["channel_ids"] = [7]
    assert UpsertRouteRequest.model_validate(fixed).to_body() == fixed


def test_request_and_read_back_share_one_canonical_form() -> None:
    body = escalation()
    body["layers"][0]["target"] = {
        "person_ids": [1],
        "team_ids": [],
        "emails": [],
        "schedule_to_role_ids": {},
        "by": {"follow_preference": False},
        "webhooks": [{"type": "slack", "settings": {"chat_ids": ["C1"]}}],
    }
    body["time_filters"] = [{"start": "01:00", "end": "02:00", "is_off": False}]
    sent = CreateEscalationRuleRequest.model_validate(body).to_body()
    assert sent["layers"][0]["target"] == {
        "person_ids": [1],
        "webhooks": [{"type": "slack", "settings": {"chat_ids": ["C1"]}}],
    }
    assert sent["time_filters"] == [{"start": "01:00", "end": "02:00", "repeat": []}]
    # The server may echo empties and a do-nothing `by`; the read-back normalises the same way.
    echoed = {
        **sent,
        "rule_id": RULE_ID,
        "layers": [
            {
                **sent["layers"][0],
                "target": {
                    **sent["layers"][0]["target"],
                    "team_ids": None,
                    "emails": [],
                    "by": {"follow_preference": False, "critical": [], "warning": [], "info": []},
                },
            }
        ],
        "time_filters": [{"start": "01:00", "end": "02:00", "repeat": [], "cal_id": "", "is_off": False}],
    }
    read_back = EscalateRuleItem.model_validate(echoed).as_inputs()
    assert CreateEscalationRuleRequest.model_validate(read_back).to_body() == sent
