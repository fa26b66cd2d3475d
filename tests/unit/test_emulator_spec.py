"""SpecValidator: field-named errors from the official schemas, the strict choices, the prose rules."""

from __future__ import annotations

from typing import Any

import pytest

from flashduty_pulumi.emulator import rules
from flashduty_pulumi.emulator.spec import SpecError, SpecValidator, default_validator

pytestmark = pytest.mark.unit

CREATE = "/channel/escalate/rule/create"


def _escalation(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel_id": 1,
        "rule_name": "r",
        "template_id": "0" * 24,
        "layers": [{"target": {"person_ids": [1], "by": {"follow_preference": True}}}],
    }
    body.update(changes)
    return body


def _errors(path: str, body: Any, **kw: Any) -> list[tuple[str, str]]:
    return [(e.path, e.keyword) for e in default_validator().request_errors(path, body, **kw)]


def test_valid_body_has_no_errors() -> None:
    assert default_validator().request_errors(CREATE, _escalation()) == []


def test_errors_name_nested_fields_and_the_rule() -> None:
    body = _escalation(
        layers=[{"target": {"person_ids": ["x"], "by": {}}, "max_times": 9}], rule_name="n" * 40
    )
    errors = default_validator().request_errors(CREATE, body)
    assert [(e.path, e.keyword) for e in errors] == [
        ("layers[0].max_times", "maximum"),
        ("layers[0].target.person_ids[0]", "type"),
        ("rule_name", "maxLength"),
    ]
    assert errors[2].message == "must be at most 39 characters (got 40)"
    assert str(errors[0]) == "layers[0].max_times: must be <= 6 (got 9)"


def test_missing_required_fields_are_named_each() -> None:
    assert _errors(CREATE, {"channel_id": 1}) == [
        ("layers", "required"),
        ("rule_name", "required"),
        ("template_id", "required"),
    ]


def test_length_counts_characters_not_bytes() -> None:
    assert _errors(CREATE, _escalation(rule_name="ü" * 39)) == []
    assert _errors(CREATE, _escalation(rule_name="ü" * 40)) == [("rule_name", "maxLength")]


@pytest.mark.parametrize("value", [1.0, True, "1", 2**63])
def test_integers_are_strict_and_int64(value: object) -> None:
    assert _errors(CREATE, _escalation(channel_id=value))[0][0] == "channel_id"


def test_prose_rules_run_after_the_schema_and_can_be_skipped() -> None:
    no_delivery = _escalation(layers=[{"target": {"person_ids": [1]}}])
    assert _errors(CREATE, no_delivery) == [("layers[0].target", "rule:target-delivery")]
    assert _errors(CREATE, no_delivery, rules=False) == []
    # schema errors come alone: the rules assume a well-formed body
    assert _errors(CREATE, _escalation(layers=[{"target": {}}], priority=-1)) == [("priority", "minimum")]


def test_forbid_unknown_reports_undeclared_fields_anywhere() -> None:
    body = _escalation(colour="red")
    body["layers"][0]["target"]["by"]["urgent"] = True
    assert _errors(CREATE, body) == []
    strict = SpecValidator(forbid_unknown=True)
    found = [(e.path, e.keyword) for e in strict.request_errors(CREATE, body)]
    assert found == [
        ("colour", "additionalProperties"),
        ("layers[0].target.by.urgent", "additionalProperties"),
    ]


def test_unknown_path_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        default_validator().request_errors("/channel/create", {})


def test_permissions_and_writes_come_from_the_spec() -> None:
    v = default_validator()
    assert v.permissions("/route/upsert") == ("Integrations Manage",)
    assert v.is_write("/route/upsert") and v.is_write("/channel/silence/rule/enable")
    assert (
        not v.is_write("/route/info") and not v.is_write("/channel/list") and not v.is_write("/template/list")
    )
    assert v.rate_limit("/team/info") == {"per_second": 50, "per_minute": 1000}


def test_response_validation_tolerates_go_nulls_only_where_asked() -> None:
    envelope = {
        "request_id": "r",
        "data": {
            "items": [{"integration_id": 1, "version": 1, "updated_by": 1, "creator_id": 1, "cases": None}]
        },
    }
    assert default_validator().response_errors("/route/list", envelope) == []
    assert default_validator().response_errors("/route/list", envelope, allow_nil=False) == [
        SpecError("data.items[0].cases", "must be of type array", "type")
    ]
    missing = {"request_id": "r", "data": {"items": [{"integration_id": 1}]}}
    assert {e.path for e in default_validator().response_errors("/route/list", missing)} == {
        "data.items[0].version",
        "data.items[0].updated_by",
        "data.items[0].creator_id",
    }


# -- the prose rules, one by one --------------------------------------------------------------------

SIL = "/channel/silence/rule/create"
ONCE = {"start_time": 10, "end_time": 20}
FILTERS = [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]]


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/route/upsert", {"integration_id": 1, "cases": []}, [("cases", "rule:cases-or-default")]),
        (
            "/route/upsert",
            {"integration_id": 1, "default": {}},
            [("default.channel_ids", "rule:default-channels")],
        ),
        (
            "/route/upsert",
            {
                "integration_id": 1,
                "cases": [
                    {"if": [], "channel_ids": [1], "fallthrough": False, "name_mapping_label": "labels.x"}
                ],
            },
            [("cases[0].name_mapping_label", "rule:standard-no-label")],
        ),
        (
            "/route/upsert",
            {
                "integration_id": 1,
                "cases": [
                    {
                        "if": [],
                        "channel_ids": [],
                        "fallthrough": False,
                        "routing_mode": "name_mapping",
                        "name_mapping_label": "labels.",
                    }
                ],
            },
            [("cases[0].name_mapping_label", "rule:name-mapping-label-form")],
        ),
        (
            SIL,
            {
                "channel_id": 1,
                "rule_name": "s",
                "filters": FILTERS,
                "time_filter": ONCE,
                "time_filters": [{"start": "01:00", "end": "02:00"}],
            },
            [("time_filters", "rule:silence-one-window")],
        ),
        (
            SIL,
            {"channel_id": 1, "rule_name": "s", "filters": FILTERS, "time_filter": ONCE, "time_filters": []},
            [],
        ),
        (
            SIL,
            {
                "channel_id": 1,
                "rule_name": "s",
                "filters": FILTERS,
                "time_filters": [{"start": "09:00", "end": "10:00", "repeat": [1], "cal_id": "c"}],
            },
            [("time_filters[0].cal_id", "rule:time-filter-mode")],
        ),
        (
            SIL,
            {
                "channel_id": 1,
                "rule_name": "s",
                "filters": FILTERS,
                "time_filters": [{"start": "09:00", "end": "10:00", "is_off": True}],
            },
            [("time_filters[0].is_off", "rule:time-filter-is-off")],
        ),
        (
            SIL,
            {"channel_id": 1, "rule_name": "s", "filters": FILTERS, "time_filters": [{"start": "09:00"}]},
            [("time_filters[0].end", "rule:time-filter-required")],
        ),
        (
            "/channel/escalate/rule/update",
            {**_escalation(rule_id="a" * 24), "priority": 500, "aggr_window": -5},
            [("aggr_window", "rule:update-range"), ("priority", "rule:update-range")],
        ),
        (
            CREATE,
            _escalation(
                layers=[
                    {
                        "target": {
                            "schedule_to_role_ids": {"abc": [0], "12": []},
                            "by": {"info": ["wecom_app:7"]},
                        }
                    }
                ]
            ),
            [
                ("layers[0].target.schedule_to_role_ids.12", "rule:schedule-roles"),
                ("layers[0].target.schedule_to_role_ids.abc", "rule:schedule-key"),
            ],
        ),
        (
            CREATE,
            _escalation(
                layers=[
                    {
                        "target": {
                            "emails": ["a@b.co"],
                            "webhooks": [{"type": "telegram", "settings": {"token": "t", "alias": "a"}}],
                        }
                    }
                ]
            ),
            [("layers[0].target.webhooks[0].settings.chat_ids", "rule:webhook-settings")],
        ),
        (
            CREATE,
            _escalation(layers=[{"target": {"emails": ["a@b.co"], "by": {"critical": ["feishu"]}}}]),
            [("layers[0].target.by.critical[0]", "rule:by-channel")],
        ),
        ("/team/info", {"team_name": "SRE"}, []),
    ],
)
def test_prose_rule(path: str, body: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert sorted((e.path, e.keyword) for e in rules.check(path, body)) == expected
