"""Our client against the emulator over real sockets: every body it sends is valid against the
official spec, and it copes with the emulator's faults (503s, 429 bursts, dropped connections,
writes applied before the failure) the way the provider relies on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from flashduty_pulumi.client import (
    ClientConfig,
    Conflict,
    FlashdutyClient,
    RateLimiter,
    RetryPolicy,
    ServerError,
    TransportError,
    Unauthorized,
    is_not_found,
)
from flashduty_pulumi.client.rule_families import ESCALATION_RULES, SILENCE_RULES
from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.spec import SpecValidator
from flashduty_pulumi.emulator.testing import EmulatorProcess
from flashduty_pulumi.models import (
    CreateEscalationRuleRequest,
    CreateSilenceRuleRequest,
    ListChannelsRequest,
    MemberListRequest,
    TeamListRequest,
    TemplateListRequest,
    UpdateEscalationRuleRequest,
    UpdateSilenceRuleRequest,
    UpsertRouteRequest,
)

pytestmark = pytest.mark.contract

PAYMENTS = seed.CHANNEL_PAYMENTS_ID
CHECKOUT = seed.CHANNEL_CHECKOUT_ID
FAST_RETRY = RetryPolicy(max_retries=5, base_delay=0.01, max_delay=0.05, deadline=20.0)
SPEC = SpecValidator(forbid_unknown=True)


def make_client(
    emu: EmulatorProcess, *, limiter: RateLimiter | None = None, key: str | None = None
) -> FlashdutyClient:
    config = ClientConfig(
        app_key=key or emu.app_key,
        base_url=emu.base_url,
        read_timeout=5.0,
        connect_timeout=2.0,
        retry=FAST_RETRY,
    )
    return FlashdutyClient(config=config, limiter=limiter or RateLimiter(0, 0))


@pytest.fixture
def client(emu: EmulatorProcess) -> Iterator[FlashdutyClient]:
    yield make_client(emu)


def escalation_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel_id": PAYMENTS,
        "template_id": seed.PRESET_TEMPLATE_ID,
        "rule_name": "Primary on-call",
        "layers": [
            {
                "target": {
                    "person_ids": [seed.ALICE_ID, seed.BIG_MEMBER_ID],
                    "by": {"follow_preference": True},
                }
            },
            {
                "target": {
                    "team_ids": [seed.TEAM_SRE_ID],
                    "emails": ["oncall@example.com"],
                    "by": {"critical": ["voice", "sms"], "warning": ["email"]},
                    "webhooks": [{"type": "feishu", "settings": {"token": "tkn", "alias": "ops"}}],
                },
                "max_times": 1,
                "notify_step": 2.5,
                "escalate_window": 15,
                "force_escalate": True,
            },
        ],
        "time_filters": [
            {"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]},
            {"start": "00:00", "end": "23:59", "cal_id": "zh-cn.china.official", "is_off": True},
        ],
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Critical"]}]],
    }
    body.update(changes)
    return body


def silence_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel_id": PAYMENTS,
        "rule_name": "Maintenance",
        "filters": [[{"key": "labels.env", "oper": "IN", "vals": ["staging"]}]],
        "time_filter": {"start_time": 1_900_000_000, "end_time": 1_900_003_600},
    }
    body.update(changes)
    return body


def assert_all_bodies_spec_valid(emu: EmulatorProcess, expected_paths: set[str]) -> None:
    log = emu.requests()
    seen = set()
    for entry in log:
        seen.add(entry["path"])
        errors = SPEC.request_errors(entry["path"], entry["body"])
        assert errors == [], f"{entry['path']} body not valid against the spec: {errors}\n{entry['body']}"
    assert expected_paths <= seen, f"not exercised: {expected_paths - seen}"


# ------------------------------------------------------------------ full cycles, spec-valid bodies


def test_escalation_cycle_sends_only_spec_valid_bodies(emu: EmulatorProcess, client: FlashdutyClient) -> None:
    created = client.rule_create(
        ESCALATION_RULES, CreateEscalationRuleRequest.model_validate(escalation_body())
    )
    rule = client.rule_get(ESCALATION_RULES, PAYMENTS, created.rule_id)
    assert rule is not None
    assert rule.layers[0].target.person_ids == [seed.ALICE_ID, seed.BIG_MEMBER_ID]  # int64 above 2**53, exact
    # What we read back, through the request model, is what we sent: no perpetual diff.
    sent = CreateEscalationRuleRequest.model_validate(escalation_body()).to_body()
    assert CreateEscalationRuleRequest.model_validate(rule.as_inputs()).to_body() == sent
    update = UpdateEscalationRuleRequest.model_validate(
        {**escalation_body(rule_name="Renamed", priority=5, aggr_window=120), "rule_id": created.rule_id}
    )
    client.rule_update(ESCALATION_RULES, update)
    assert [r.rule_name for r in client.rule_list(ESCALATION_RULES, PAYMENTS)] == ["Renamed"]
    client.rule_set_enabled(ESCALATION_RULES, PAYMENTS, created.rule_id, False)
    client.rule_set_enabled(ESCALATION_RULES, PAYMENTS, created.rule_id, True)
    client.rule_set_enabled(ESCALATION_RULES, PAYMENTS, created.rule_id, False)
    client.rule_delete(ESCALATION_RULES, PAYMENTS, created.rule_id)
    with pytest.raises(Exception) as info:
        client.rule_get(ESCALATION_RULES, PAYMENTS, created.rule_id)
    assert is_not_found(info.value) and info.value.status == 400  # type: ignore[attr-defined]
    assert_all_bodies_spec_valid(
        emu,
        {
            f"/channel/escalate/rule/{op}"
            for op in ("create", "info", "update", "list", "disable", "enable", "delete")
        },
    )


def test_silence_cycle_sends_only_spec_valid_bodies(emu: EmulatorProcess, client: FlashdutyClient) -> None:
    created = client.rule_create(SILENCE_RULES, CreateSilenceRuleRequest.model_validate(silence_body()))
    rule = client.rule_get(SILENCE_RULES, PAYMENTS, created.rule_id)
    assert rule is not None and rule.once_window is not None
    assert rule.as_inputs() == CreateSilenceRuleRequest.model_validate(silence_body()).to_body()
    recurring = {k: v for k, v in silence_body().items() if k != "time_filter"}
    recurring["time_filters"] = [{"start": "22:00", "end": "23:30", "repeat": [0, 6]}]
    client.rule_update(
        SILENCE_RULES, UpdateSilenceRuleRequest.model_validate({**recurring, "rule_id": created.rule_id})
    )
    rule = client.rule_get(SILENCE_RULES, PAYMENTS, created.rule_id)
    assert rule is not None and rule.once_window is None  # time_filter null or zeros both read as "none"
    assert rule.as_inputs() == CreateSilenceRuleRequest.model_validate(recurring).to_body()
    client.rule_set_enabled(SILENCE_RULES, PAYMENTS, created.rule_id, False)
    client.rule_set_enabled(SILENCE_RULES, PAYMENTS, created.rule_id, True)
    client.rule_set_enabled(SILENCE_RULES, PAYMENTS, created.rule_id, False)
    client.rule_delete(SILENCE_RULES, PAYMENTS, created.rule_id)
    assert client.rule_get(SILENCE_RULES, PAYMENTS, created.rule_id) is None
    assert_all_bodies_spec_valid(
        emu,
        {f"/channel/silence/rule/{op}" for op in ("create", "update", "list", "disable", "enable", "delete")},
    )


def test_route_cycle_and_stale_version(emu: EmulatorProcess, client: FlashdutyClient) -> None:
    integration = seed.SHARED_INTEGRATION_ID
    before = client.route_info(integration)
    version = before.version if before else 0
    body = {
        "integration_id": integration,
        "cases": [
            {"if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}], "channel_ids": [PAYMENTS]},
            {
                "if": [{"key": "labels.service", "oper": "IN", "vals": ["*"]}],
                "routing_mode": "name_mapping",
                "name_mapping_label": "labels.service",
                "fallthrough": True,
            },
        ],
        "sections": [{"name": "critical", "position": 0}],
        "default": {"channel_ids": [CHECKOUT]},
    }
    client.route_upsert(UpsertRouteRequest.model_validate({**body, "version": version}))
    after = client.route_info(integration)
    assert after is not None and after.version == version + 1
    assert after.as_inputs() == UpsertRouteRequest.model_validate(body).to_body()
    client.route_upsert(UpsertRouteRequest.model_validate({**body, "version": after.version}))
    with pytest.raises(Conflict) as info:  # someone else moved the version on
        client.route_upsert(UpsertRouteRequest.model_validate({**body, "version": after.version}))
    assert "request_id" in str(info.value) and not info.value.maybe_applied
    assert [r.integration_id for r in client.route_list([integration])] == [integration]
    assert_all_bodies_spec_valid(emu, {"/route/upsert", "/route/info", "/route/list"})


def test_lookups_page_through_everything(emu: EmulatorProcess, client: FlashdutyClient) -> None:
    channels = {c.channel_name: c.channel_id for c in client.iter_channels(ListChannelsRequest(limit=1))}
    assert channels["Payments"] == PAYMENTS and channels["Checkout"] == CHECKOUT
    members = {m.email: m.member_id for m in client.iter_members(MemberListRequest(limit=1))}
    assert members["dana@example.com"] == seed.BIG_MEMBER_ID
    assert seed.TEAM_SRE_ID in {t.team_id for t in client.iter_teams(TeamListRequest(limit=1))}
    assert seed.CUSTOM_TEMPLATE_ID in {
        t.template_id for t in client.iter_templates(TemplateListRequest(limit=1))
    }
    channel = client.channel_info(PAYMENTS)
    assert channel is not None and channel.channel_name == "Payments"
    template = client.template_info(seed.PRESET_TEMPLATE_ID)
    assert template is not None and template.template_id == seed.PRESET_TEMPLATE_ID
    team = client.team_info(seed.TEAM_SRE_ID)
    assert team is not None and team.team_id == seed.TEAM_SRE_ID
    assert_all_bodies_spec_valid(
        emu,
        {
            "/channel/list",
            "/channel/info",
            "/template/list",
            "/template/info",
            "/member/list",
            "/team/list",
            "/team/info",
        },
    )


@pytest.mark.parametrize("mode", ["null", "omit", "object"])
def test_empty_data_in_every_form_is_success(
    emu: EmulatorProcess, client: FlashdutyClient, mode: str
) -> None:
    emu.set_config(empty_data=mode)
    created = client.rule_create(SILENCE_RULES, CreateSilenceRuleRequest.model_validate(silence_body()))
    client.rule_set_enabled(SILENCE_RULES, PAYMENTS, created.rule_id, False)
    client.rule_delete(SILENCE_RULES, PAYMENTS, created.rule_id)


# ---------------------------------------------------------------------------------------- faults


def test_503s_on_reads_are_retried(emu: EmulatorProcess, client: FlashdutyClient) -> None:
    emu.add_fault(status=503, count=2, path="/channel/escalate/rule/list")
    assert client.rule_list(ESCALATION_RULES, PAYMENTS) == []
    assert client.request_count == 3 and client.retry_count == 2


def test_429_burst_with_retry_after_is_ridden_out(emu: EmulatorProcess, client: FlashdutyClient) -> None:
    emu.add_fault(status=429, count=3, retry_after=0)
    created = client.rule_create(
        ESCALATION_RULES, CreateEscalationRuleRequest.model_validate(escalation_body())
    )
    assert len(client.rules_named(ESCALATION_RULES, PAYMENTS, "Primary on-call")) == 1
    assert created.rule_id
    assert [e["status"] for e in emu.writes()] == [429, 429, 429, 200]


def test_dropped_connection_on_read_is_retried(emu: EmulatorProcess, client: FlashdutyClient) -> None:
    emu.add_fault(drop_connection=True, count=1, path="/channel/silence/rule/list")
    assert client.rule_list(SILENCE_RULES, PAYMENTS) == []
    assert client.request_count == 2


def test_create_is_not_repeated_when_it_may_have_been_applied(
    emu: EmulatorProcess, client: FlashdutyClient
) -> None:
    # The write happens, then the connection drops: the nastiest case.
    emu.add_fault(drop_connection=True, after_apply=True, count=1, path="/create")
    req = CreateEscalationRuleRequest.model_validate(escalation_body())
    with pytest.raises(TransportError) as info:
        client.rule_create(ESCALATION_RULES, req)
    assert info.value.maybe_applied
    assert len([e for e in emu.writes() if e["path"].endswith("/create")]) == 1  # not retried
    # The provider's recovery: look it up by channel and name, adopt it instead of creating again.
    assert len(client.rules_named(ESCALATION_RULES, PAYMENTS, req.rule_name)) == 1


def test_recover_finds_the_rule_an_ambiguous_create_made_and_nothing_is_made_twice(
    emu: EmulatorProcess, client: FlashdutyClient
) -> None:
    emu.add_fault(drop_connection=True, after_apply=True, count=1, path="/channel/silence/rule/create")
    deadline = client.deadline()  # one budget for the create and its look-up

    def recover(err: Any) -> Any:
        data = client.call("/channel/silence/rule/list", {"channel_id": PAYMENTS}, deadline=deadline)
        found = [r for r in data["items"] if r["rule_name"] == "Maintenance"]
        return {"rule_id": found[0]["rule_id"]} if found else None

    body = CreateSilenceRuleRequest.model_validate(silence_body())
    data = client.call(
        "/channel/silence/rule/create", body, idempotent=False, deadline=deadline, recover=recover
    )
    assert [r.rule_id for r in client.rules_named(SILENCE_RULES, PAYMENTS, "Maintenance")] == [
        data["rule_id"]
    ]
    assert len([e for e in emu.writes() if e["path"].endswith("/create")]) == 1


def test_create_503_after_apply_is_reported_not_retried(
    emu: EmulatorProcess, client: FlashdutyClient
) -> None:
    emu.add_fault(status=503, after_apply=True, count=1, path="/channel/silence/rule/create")
    with pytest.raises(ServerError) as info:
        client.rule_create(SILENCE_RULES, CreateSilenceRuleRequest.model_validate(silence_body()))
    assert info.value.maybe_applied and info.value.request_id
    assert len(client.rules_named(SILENCE_RULES, PAYMENTS, "Maintenance")) == 1


def test_create_is_retried_after_a_plain_429(emu: EmulatorProcess, client: FlashdutyClient) -> None:
    emu.add_fault(status=429, count=1, path="/channel/silence/rule/create")
    client.rule_create(SILENCE_RULES, CreateSilenceRuleRequest.model_validate(silence_body()))
    assert len(client.rules_named(SILENCE_RULES, PAYMENTS, "Maintenance")) == 1


def test_html_502_from_a_proxy_is_a_retried_server_error(
    emu: EmulatorProcess, client: FlashdutyClient
) -> None:
    emu.add_fault(status=502, count=1, path="/route/info")
    client.route_info(seed.SHARED_INTEGRATION_ID)
    assert client.retry_count == 1


def test_wrong_key_is_unauthorized_and_never_echoed(emu: EmulatorProcess) -> None:
    bad = "definitely-not-the-key-000"
    with pytest.raises(Unauthorized) as info:
        make_client(emu, key=bad).rule_list(ESCALATION_RULES, PAYMENTS)
    assert bad not in str(info.value) and bad not in repr(info.value) and info.value.status == 401


def test_client_limiter_keeps_the_server_limit_from_tripping(emu: EmulatorProcess) -> None:
    emu.set_rate_limit(True, per_second=20, per_minute=1000)
    client = make_client(emu, limiter=RateLimiter(18, 1000))
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(12):
                client.rule_list(ESCALATION_RULES, PAYMENTS)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    statuses = [e["status"] for e in emu.requests()]
    assert len(statuses) == 48 and statuses.count(429) == 0
