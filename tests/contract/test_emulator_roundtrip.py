"""What the vendor's own clients send is accepted, and whatever the emulator accepts round-trips.

The invariant: a body the emulator accepts never poisons a later read. Every stored value comes back
from info and list as strict JSON valid against the response schema, and what info answers is
accepted back by update (read-modify-write, as a console or script does) and reads the same again.
"""

from __future__ import annotations

from typing import Any

import pytest
from emulator_cases import CHECKOUT, PAYMENTS, SHARED, case, escalation, ok, route, silence

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.spec import default_validator, server_validator
from flashduty_pulumi.emulator.testing import EmulatorProcess

pytestmark = pytest.mark.contract

ESC = "/channel/escalate/rule/"
SIL = "/channel/silence/rule/"
CHANGING = {"updated_at", "version"}


def _same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert {k: v for k, v in a.items() if k not in CHANGING} == {
        k: v for k, v in b.items() if k not in CHANGING
    }


# -- what the vendor's clients send ------------------------------------------------------------------


def test_vendor_terraform_route_body_is_accepted(emu: EmulatorProcess) -> None:
    # As the official Terraform provider sends it: version 0 always, fallthrough omitted when false,
    # name_mapping cases without channel_ids.
    body = {
        "integration_id": SHARED,
        "version": 0,
        "cases": [
            {"if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}], "channel_ids": [PAYMENTS]},
            {
                "if": [{"key": "labels.service", "oper": "IN", "vals": ["*"]}],
                "routing_mode": "name_mapping",
                "name_mapping_label": "labels.service",
            },
        ],
        "default": {"channel_ids": [CHECKOUT]},
    }
    for _ in range(2):  # the second time over an existing route, still with version 0
        ok("/route/upsert", emu.post("/route/upsert", body))
    item = ok("/route/info", emu.post("/route/info", {"integration_id": SHARED}))
    assert item["version"] == 2
    assert [(c["fallthrough"], c["channel_ids"]) for c in item["cases"]] == [
        (False, [PAYMENTS]),
        (False, None),
    ]


def test_a_bot_webhook_without_alias_is_accepted(emu: EmulatorProcess) -> None:
    hooks = [{"type": "feishu", "settings": {"token": "t0ken"}}]
    body = escalation(layers=[{"target": {"person_ids": [seed.ALICE_ID], "webhooks": hooks}}])
    ok(ESC + "create", emu.post(ESC + "create", body))


def test_the_spec_letter_still_binds_our_client() -> None:
    # The server's leniency lives in its own validator; the default one (which checks our client's
    # requests) keeps every `required` of the spec.
    lax = route(
        cases=[{"if": case()["if"], "routing_mode": "name_mapping", "name_mapping_label": "labels.x"}]
    )
    strict = {e.path for e in default_validator().request_errors("/route/upsert", lax)}
    assert strict == {"cases[0].channel_ids", "cases[0].fallthrough"}
    assert server_validator().request_errors("/route/upsert", lax) == []
    nulls = escalation(
        layers=[{"target": {"person_ids": [1], "by": {"follow_preference": True}, "webhooks": None}}]
    )
    assert [e.path for e in default_validator().request_errors(ESC + "create", nulls)] == [
        "layers[0].target.webhooks"
    ]
    assert server_validator().request_errors(ESC + "create", nulls) == []


# -- the round-trip invariant ----------------------------------------------------------------------------

ESCALATIONS = {
    "minimal": escalation(),
    "everything": escalation(
        description="ünïcødé 📟 \u2028 <b>&amp;",
        priority=200,
        aggr_window=3600,
        time_filters=[
            {"start": "00:00", "end": "23:59", "repeat": [0, 6]},
            {"start": "09:00", "end": "17:00", "cal_id": "cal-1", "is_off": True},
        ],
        filters=[[{"key": "labels.x", "oper": "NOTIN", "vals": ["/a.*b/", "cidr:10.0.0.0/8"]}]],
        layers=[
            {
                "max_times": 0,
                "notify_step": 1.5,
                "escalate_window": 0,
                "force_escalate": True,
                "target": {
                    "person_ids": [seed.BIG_MEMBER_ID],
                    "team_ids": [seed.TEAM_SRE_ID],
                    "emails": ["a@example.com"],
                    "schedule_to_role_ids": {"123": [0, 9_007_199_254_740_993]},
                    "by": {"critical": ["voice", "feishu_app:42"], "warning": [], "info": ["email"]},
                    "webhooks": [
                        {
                            "type": "custom",
                            "settings": {"url": "https://x", "n": 1e300, "deep": [[{"k": None}]]},
                        },
                        {"type": "feishu", "settings": {"token": "t"}},
                    ],
                },
            }
        ],
    ),
    "by-only": escalation(layers=[{"target": {"person_ids": [seed.ALICE_ID], "by": {"info": ["sms"]}}}]),
}


@pytest.mark.parametrize("body", list(ESCALATIONS.values()), ids=list(ESCALATIONS))
def test_escalation_rules_round_trip_through_info_list_and_update(
    emu: EmulatorProcess, body: dict[str, Any]
) -> None:
    rule_id = ok(ESC + "create", emu.post(ESC + "create", body))["rule_id"]
    key = {"channel_id": PAYMENTS, "rule_id": rule_id}
    first = ok(ESC + "info", emu.post(ESC + "info", key))
    listed = ok(ESC + "list", emu.post(ESC + "list", {"channel_id": PAYMENTS}))["items"]
    assert listed == [first]
    ok(ESC + "update", emu.post(ESC + "update", first))  # read-modify-write with nothing modified
    second = ok(ESC + "info", emu.post(ESC + "info", key))
    _same(first, second)


SILENCES = {
    "once": silence(),
    "recurring": silence(
        time_filter=None,
        time_filters=[{"start": "01:00", "end": "02:00", "repeat": [1]}],
        from_incident_id="0123456789abcdefABCDEF01",
        is_directly_discard=True,
        description="ок",
    ),
}


@pytest.mark.parametrize("body", list(SILENCES.values()), ids=list(SILENCES))
def test_silence_rules_round_trip_through_list_and_update(emu: EmulatorProcess, body: dict[str, Any]) -> None:
    ok(SIL + "create", emu.post(SIL + "create", body))
    (first,) = ok(SIL + "list", emu.post(SIL + "list", {"channel_id": PAYMENTS}))["items"]
    ok(SIL + "update", emu.post(SIL + "update", first))  # time_filter: null comes back as it went out
    (second,) = ok(SIL + "list", emu.post(SIL + "list", {"channel_id": PAYMENTS}))["items"]
    _same(first, second)


ROUTES = {
    "default-only": route(cases=[]),
    "mixed": route(
        cases=[
            case(fallthrough=True),
            {"if": case()["if"], "routing_mode": "name_mapping", "name_mapping_label": "labels.team"},
        ],
        sections=[{"name": "top", "position": 0}, {"name": "rest", "position": 2}],
    ),
}


@pytest.mark.parametrize("body", list(ROUTES.values()), ids=list(ROUTES))
def test_routes_round_trip_through_info_list_and_upsert(emu: EmulatorProcess, body: dict[str, Any]) -> None:
    ok("/route/upsert", emu.post("/route/upsert", body))
    first = ok("/route/info", emu.post("/route/info", {"integration_id": SHARED}))
    assert ok("/route/list", emu.post("/route/list", {"integration_ids": [SHARED]}))["items"] == [first]
    ok("/route/upsert", emu.post("/route/upsert", first))  # with its own version: not stale
    second = ok("/route/info", emu.post("/route/info", {"integration_id": SHARED}))
    assert second["version"] == first["version"] + 1
    _same(first, second)
