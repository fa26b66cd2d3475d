"""The emulator refuses what the official spec refuses, naming the field, and stores nothing."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_cases import CHECKOUT, PAYMENTS, SHARED, case, escalation, failed, ok, route, silence

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

pytestmark = pytest.mark.contract

ESC = "/channel/escalate/rule/create"
SIL = "/channel/silence/rule/create"
UPSERT = "/route/upsert"
TARGET = "layers[0].target"


def _layer(**changes: Any) -> list[dict[str, Any]]:
    layer: dict[str, Any] = {"target": {"person_ids": [seed.ALICE_ID], "by": {"follow_preference": True}}}
    layer.update(changes)
    return [layer]


def _without(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in names}


# (id, path, body, the field the error message must name)
BAD: list[tuple[str, str, Any, str]] = [
    # escalation rules: schema
    ("esc-name-40-ascii", ESC, escalation(rule_name="x" * 40), "rule_name"),
    ("esc-name-40-unicode", ESC, escalation(rule_name="告" * 40), "rule_name"),
    ("esc-name-40-emoji", ESC, escalation(rule_name="🔥" * 40), "rule_name"),
    ("esc-name-empty", ESC, escalation(rule_name=""), "rule_name"),
    ("esc-name-missing", ESC, _without(escalation(), "rule_name"), "rule_name"),
    ("esc-name-not-string", ESC, escalation(rule_name=42), "rule_name"),
    ("esc-template-not-objectid", ESC, escalation(template_id="preset"), "template_id"),
    ("esc-template-24-non-hex", ESC, escalation(template_id="g" * 24), "template_id"),
    ("esc-template-missing", ESC, _without(escalation(), "template_id"), "template_id"),
    ("esc-channel-string", ESC, escalation(channel_id=str(PAYMENTS)), "channel_id"),
    ("esc-channel-over-int64", ESC, escalation(channel_id=2**63), "channel_id"),
    ("esc-priority-201", ESC, escalation(priority=201), "priority"),
    ("esc-priority-negative", ESC, escalation(priority=-1), "priority"),
    ("esc-priority-float", ESC, escalation(priority=1.0), "priority"),
    ("esc-aggr-3601", ESC, escalation(aggr_window=3601), "aggr_window"),
    ("esc-description-501", ESC, escalation(description="d" * 501), "description"),
    ("esc-layers-empty", ESC, escalation(layers=[]), "layers"),
    ("esc-layers-missing", ESC, _without(escalation(), "layers"), "layers"),
    ("esc-layer-no-target", ESC, escalation(layers=[{"max_times": 1}]), "layers[0].target"),
    ("esc-max-times-7", ESC, escalation(layers=_layer(max_times=7)), "layers[0].max_times"),
    ("esc-notify-step-0.4", ESC, escalation(layers=_layer(notify_step=0.4)), "layers[0].notify_step"),
    (
        "esc-escalate-window-721",
        ESC,
        escalation(layers=_layer(escalate_window=721)),
        "layers[0].escalate_window",
    ),
    ("esc-force-not-bool", ESC, escalation(layers=_layer(force_escalate="yes")), "layers[0].force_escalate"),
    (
        "esc-target-no-recipient",
        ESC,
        escalation(layers=[{"target": {"by": {"follow_preference": True}}}]),
        TARGET,
    ),
    ("esc-target-no-delivery", ESC, escalation(layers=[{"target": {"person_ids": [seed.ALICE_ID]}}]), TARGET),
    (
        "esc-target-empty-by",
        ESC,
        escalation(layers=[{"target": {"person_ids": [seed.ALICE_ID], "by": {"follow_preference": False}}}]),
        TARGET,
    ),
    (
        "esc-person-id-string",
        ESC,
        escalation(layers=[{"target": {"person_ids": ["alice"], "by": {"follow_preference": True}}}]),
        f"{TARGET}.person_ids[0]",
    ),
    (
        "esc-email-invalid",
        ESC,
        escalation(layers=[{"target": {"emails": ["not-an-email"], "by": {"follow_preference": True}}}]),
        f"{TARGET}.emails[0]",
    ),
    (
        "esc-by-unknown-channel",
        ESC,
        escalation(layers=[{"target": {"person_ids": [seed.ALICE_ID], "by": {"critical": ["pigeon"]}}}]),
        f"{TARGET}.by.critical[0]",
    ),
    (
        "esc-webhook-unknown-type",
        ESC,
        escalation(
            layers=[
                {"target": {"team_ids": [seed.TEAM_SRE_ID], "webhooks": [{"type": "fax", "settings": {}}]}}
            ]
        ),
        f"{TARGET}.webhooks[0].type",
    ),
    (
        "esc-webhook-bot-no-token",
        ESC,
        escalation(
            layers=[
                {
                    "target": {
                        "team_ids": [seed.TEAM_SRE_ID],
                        "webhooks": [{"type": "feishu", "settings": {"alias": "ops"}}],
                    }
                }
            ]
        ),
        f"{TARGET}.webhooks[0].settings.token",
    ),
    (
        "esc-filter-bad-oper",
        ESC,
        escalation(filters=[[{"key": "severity", "oper": "EQ", "vals": ["Critical"]}]]),
        "filters[0][0].oper",
    ),
    (
        "esc-filter-no-vals",
        ESC,
        escalation(filters=[[{"key": "severity", "oper": "IN"}]]),
        "filters[0][0].vals",
    ),
    (
        "esc-time-bad-format",
        ESC,
        escalation(time_filters=[{"start": "25:00", "end": "23:00"}]),
        "time_filters[0].start",
    ),
    (
        "esc-time-crosses-midnight",
        ESC,
        escalation(time_filters=[{"start": "22:00", "end": "06:00"}]),
        "time_filters[0].end",
    ),
    (
        "esc-time-weekday-7",
        ESC,
        escalation(time_filters=[{"start": "09:00", "end": "17:00", "repeat": [7]}]),
        "time_filters[0].repeat[0]",
    ),
    ("esc-body-not-object", ESC, [escalation()], "body"),
    # silence rules
    ("sil-both-windows", SIL, silence(time_filters=[{"start": "01:00", "end": "02:00"}]), "time_filters"),
    ("sil-no-window", SIL, _without(silence(), "time_filter"), "time_filter"),
    (
        "sil-start-after-end",
        SIL,
        silence(time_filter={"start_time": 1_900_000_100, "end_time": 1_900_000_000}),
        "time_filter.end_time",
    ),
    (
        "sil-start-equals-end",
        SIL,
        silence(time_filter={"start_time": 1_900_000_000, "end_time": 1_900_000_000}),
        "time_filter.end_time",
    ),
    (
        "sil-start-zero",
        SIL,
        silence(time_filter={"start_time": 0, "end_time": 1_900_000_000}),
        "time_filter.start_time",
    ),
    ("sil-filters-empty", SIL, silence(filters=[]), "filters"),
    ("sil-filters-missing", SIL, _without(silence(), "filters"), "filters"),
    ("sil-filters-empty-group", SIL, silence(filters=[[]]), "filters[0]"),
    ("sil-name-40", SIL, silence(rule_name="s" * 40), "rule_name"),
    ("sil-priority-string", SIL, silence(priority="high"), "priority"),
    ("sil-incident-not-objectid", SIL, silence(from_incident_id="INC-1"), "from_incident_id"),
    # routes
    ("route-no-cases-no-default", UPSERT, {"integration_id": SHARED}, "cases"),
    (
        "route-bad-oper",
        UPSERT,
        route(cases=[case(**{"if": [{"key": "title", "oper": "LIKE", "vals": ["x"]}]})]),
        "cases[0].if[0].oper",
    ),
    ("route-standard-no-channels", UPSERT, route(cases=[case(channel_ids=[])]), "cases[0].channel_ids"),
    (
        "route-mapping-no-label",
        UPSERT,
        route(cases=[case(channel_ids=[], routing_mode="name_mapping")]),
        "cases[0].name_mapping_label",
    ),
    (
        "route-mapping-bare-label",
        UPSERT,
        route(cases=[case(channel_ids=[], routing_mode="name_mapping", name_mapping_label="team")]),
        "cases[0].name_mapping_label",
    ),
    (
        "route-mapping-with-channels",
        UPSERT,
        route(cases=[case(routing_mode="name_mapping", name_mapping_label="labels.service")]),
        "cases[0].channel_ids",
    ),
    ("route-bad-mode", UPSERT, route(cases=[case(routing_mode="fancy")]), "cases[0].routing_mode"),
    (
        "route-section-past-end",
        UPSERT,
        route(sections=[{"name": "A", "position": 2}]),
        "sections[0].position",
    ),
    (
        "route-section-negative",
        UPSERT,
        route(sections=[{"name": "A", "position": -1}]),
        "sections[0].position",
    ),
    (
        "route-section-duplicate",
        UPSERT,
        route(sections=[{"name": "A", "position": 0}, {"name": "A", "position": 1}]),
        "sections[1].name",
    ),
    ("route-default-empty", UPSERT, route(default={"channel_ids": []}), "default.channel_ids"),
    ("route-integration-string", UPSERT, route(integration_id="abc"), "integration_id"),
    ("route-version-string", UPSERT, route(version="1"), "version"),
    # rule-id requests
    (
        "info-bad-rule-id",
        "/channel/escalate/rule/info",
        {"channel_id": PAYMENTS, "rule_id": "xyz"},
        "rule_id",
    ),
    (
        "delete-rule-id-23",
        "/channel/silence/rule/delete",
        {"channel_id": PAYMENTS, "rule_id": "a" * 23},
        "rule_id",
    ),
    ("route-info-zero", "/route/info", {"integration_id": 0}, "integration_id"),
    ("route-list-missing", "/route/list", {}, "integration_ids"),
    ("team-info-nothing", "/team/info", {}, "team_id"),
]


def _stored_rules(emu: EmulatorProcess) -> tuple[int, int, int]:
    state = emu.state_snapshot()
    return len(state["escalation_rules"]), len(state["silence_rules"]), len(state["routes"])


def test_the_table_is_big_enough() -> None:
    assert len(BAD) >= 30
    assert len({case_id for case_id, *_ in BAD}) == len(BAD)


@pytest.mark.parametrize(("path", "body", "field"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_body_is_invalid_parameter_naming_the_field(
    emu: EmulatorProcess, path: str, body: Any, field: str
) -> None:
    message = failed(emu.post(path, body), "InvalidParameter")
    assert message.startswith(f"The specified parameter {field} is not valid: "), message
    assert _stored_rules(emu) == (0, 0, 0)


VALID: list[tuple[str, str, dict[str, Any]]] = [
    ("esc-minimal", ESC, escalation()),
    ("esc-name-39-unicode", ESC, escalation(rule_name="告" * 39)),
    ("esc-name-39-emoji", ESC, escalation(rule_name="🔥" * 39)),
    (
        "esc-full",
        ESC,
        escalation(
            priority=200,
            aggr_window=3600,
            description="d" * 500,
            layers=[
                {
                    "target": {
                        "person_ids": [seed.ALICE_ID, seed.BIG_MEMBER_ID],
                        "by": {
                            "critical": ["voice", "sms"],
                            "warning": ["email", "feishu_app:123"],
                            "info": ["push"],
                        },
                    },
                    "max_times": 0,
                    "notify_step": 0.5,
                    "escalate_window": 0,
                    "force_escalate": True,
                },
                {
                    "target": {
                        "team_ids": [seed.TEAM_SRE_ID],
                        "schedule_to_role_ids": {"1234567890131": [0]},
                        "emails": ["oncall@example.com"],
                        "webhooks": [
                            {"type": "slack_app", "settings": {"data_source_id": 1, "chat_ids": ["C1"]}}
                        ],
                    },
                    "max_times": 6,
                    "notify_step": 120,
                    "escalate_window": 720,
                },
            ],
            time_filters=[
                {"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]},
                {"start": "00:00", "end": "23:59", "cal_id": "cal.x", "is_off": True},
            ],
            filters=[
                [{"key": "severity", "oper": "IN", "vals": ["Critical"]}],
                [{"key": "labels.service", "oper": "NOTIN", "vals": ["/^test-.*/"]}],
            ],
            template_id=seed.CUSTOM_TEMPLATE_ID,
        ),
    ),
    ("sil-once", SIL, silence()),
    (
        "sil-recurring",
        SIL,
        {
            **_without(silence(), "time_filter"),
            "time_filters": [{"start": "01:00", "end": "02:00", "repeat": [0]}],
        },
    ),
    ("sil-once-and-empty-recurring", SIL, silence(time_filters=[])),
    ("route-default-only", UPSERT, {"integration_id": SHARED, "default": {"channel_ids": [CHECKOUT]}}),
    ("route-cases-only", UPSERT, {"integration_id": SHARED, "cases": [case()]}),
    (
        "route-name-mapping",
        UPSERT,
        route(
            cases=[
                case(),
                case(
                    channel_ids=[],
                    routing_mode="name_mapping",
                    name_mapping_label="labels.service",
                    fallthrough=True,
                ),
            ],
            sections=[
                {"name": "Critical", "position": 0},
                {"name": "By service", "position": 1},
                {"name": "Tail", "position": 2},
            ],
            version=0,
        ),
    ),
]


@pytest.mark.parametrize(("path", "body"), [c[1:] for c in VALID], ids=[c[0] for c in VALID])
def test_valid_body_is_accepted_and_stored(emu: EmulatorProcess, path: str, body: dict[str, Any]) -> None:
    ok(path, emu.post(path, body))
    assert sum(_stored_rules(emu)) == 1


# Bodies that match the schema but refer to things the account does not have.
UNKNOWN = 1_000_000_000_131
REFERENCES: list[tuple[str, str, dict[str, Any], str, str]] = [
    ("esc-unknown-channel", ESC, escalation(channel_id=UNKNOWN), "ResourceNotFound", "channel_id"),
    (
        "esc-unknown-template",
        ESC,
        escalation(template_id="0123456789abcdef01234567"),
        "InvalidParameter",
        "template_id",
    ),
    (
        "esc-unknown-person",
        ESC,
        escalation(layers=[{"target": {"person_ids": [UNKNOWN], "by": {"follow_preference": True}}}]),
        "InvalidParameter",
        "layers[0].target.person_ids[0]",
    ),
    (
        "esc-unknown-team",
        ESC,
        escalation(layers=[{"target": {"team_ids": [UNKNOWN], "by": {"follow_preference": True}}}]),
        "InvalidParameter",
        "layers[0].target.team_ids[0]",
    ),
    ("sil-unknown-channel", SIL, silence(channel_id=UNKNOWN), "ResourceNotFound", "channel_id"),
    (
        "route-unknown-integration",
        UPSERT,
        route(integration_id=UNKNOWN),
        "ResourceNotFound",
        "integration_id",
    ),
    (
        "route-dedicated-integration",
        UPSERT,
        route(integration_id=seed.DEDICATED_INTEGRATION_ID),
        "InvalidParameter",
        "integration_id",
    ),
    (
        "route-unknown-case-channel",
        UPSERT,
        route(cases=[case(channel_ids=[PAYMENTS, UNKNOWN])]),
        "InvalidParameter",
        "cases[0].channel_ids[1]",
    ),
    (
        "route-unknown-default-channel",
        UPSERT,
        route(default={"channel_ids": [UNKNOWN]}),
        "InvalidParameter",
        "default.channel_ids[0]",
    ),
]


@pytest.mark.parametrize(
    ("path", "body", "code", "field"), [c[1:] for c in REFERENCES], ids=[c[0] for c in REFERENCES]
)
def test_unknown_reference_is_refused(
    emu: EmulatorProcess, path: str, body: dict[str, Any], code: str, field: str
) -> None:
    message = failed(emu.post(path, body), code)
    assert field in message
    assert _stored_rules(emu) == (0, 0, 0)


def test_rejected_update_leaves_the_rule_unchanged(emu: EmulatorProcess) -> None:
    rule_id = ok(ESC, emu.post(ESC, escalation(description="before")))["rule_id"]
    before = ok(
        "/channel/escalate/rule/info",
        emu.post("/channel/escalate/rule/info", {"channel_id": PAYMENTS, "rule_id": rule_id}),
    )
    bad = escalation(
        rule_id=rule_id, description="after", layers=[{"target": {"person_ids": [seed.ALICE_ID]}}]
    )
    message = failed(emu.post("/channel/escalate/rule/update", bad), "InvalidParameter")
    assert "layers[0].target" in message
    after = emu.call("/channel/escalate/rule/info", {"channel_id": PAYMENTS, "rule_id": rule_id})
    assert after == before
