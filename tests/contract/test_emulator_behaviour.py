"""What the emulator does with valid requests: versions, defaults, replacement, lifecycle, look-ups.

Every 200 answer is checked against the spec's response schema by `ok()`.
"""

from __future__ import annotations

from typing import Any

import pytest
from emulator_cases import CHECKOUT, PAYMENTS, SHARED, case, escalation, failed, ok, route, silence

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

pytestmark = pytest.mark.contract

ESC = "/channel/escalate/rule/"
SIL = "/channel/silence/rule/"


def _route_info(emu: EmulatorProcess) -> Any:
    return ok("/route/info", emu.post("/route/info", {"integration_id": SHARED}))


# -- routes ------------------------------------------------------------------------------------------


def test_route_version_bumps_on_every_upsert(emu: EmulatorProcess) -> None:
    assert _route_info(emu) is None  # a shared integration without a rule reads as null
    ok("/route/upsert", emu.post("/route/upsert", route(version=0)))
    first = _route_info(emu)
    assert first["version"] == 1 and first["status"] == "enabled"
    assert first["creator_id"] == first["updated_by"] == seed.OWNER_ID
    ok("/route/upsert", emu.post("/route/upsert", route(version=1, default={"channel_ids": [PAYMENTS]})))
    second = _route_info(emu)
    assert second["version"] == 2
    assert second["default"] == {"channel_ids": [PAYMENTS]}
    assert second["created_at"] == first["created_at"]


@pytest.mark.parametrize("version", [1, 7, 3])
def test_a_stale_nonzero_route_version_is_refused(emu: EmulatorProcess, version: int) -> None:
    ok("/route/upsert", emu.post("/route/upsert", route()))
    ok("/route/upsert", emu.post("/route/upsert", route(version=1)))
    body = route(default={"channel_ids": [PAYMENTS]}, version=version)
    message = failed(emu.post("/route/upsert", body), "InvalidParameter")
    assert message.startswith("The specified parameter version is not valid: ")
    assert f"is stale ({version})" in message and "current version is 2" in message
    after = _route_info(emu)
    assert after["version"] == 2 and after["default"] == {"channel_ids": [CHECKOUT]}


@pytest.mark.parametrize("version", [0, None])
def test_version_zero_or_omitted_overwrites_an_existing_route(
    emu: EmulatorProcess, version: int | None
) -> None:
    # The vendor's Terraform provider always sends 0, and its CLI omits the version to skip the check.
    ok("/route/upsert", emu.post("/route/upsert", route()))
    ok("/route/upsert", emu.post("/route/upsert", route(version=1)))
    body = route(default={"channel_ids": [PAYMENTS]})
    if version is not None:
        body["version"] = version
    ok("/route/upsert", emu.post("/route/upsert", body))
    after = _route_info(emu)
    assert after["version"] == 3 and after["default"] == {"channel_ids": [PAYMENTS]}


def test_first_upsert_with_a_nonzero_version_is_refused(emu: EmulatorProcess) -> None:
    message = failed(emu.post("/route/upsert", route(version=3)), "InvalidParameter")
    assert "parameter version" in message
    assert _route_info(emu) is None


def test_route_upsert_replaces_everything_and_fills_defaults(emu: EmulatorProcess) -> None:
    mapped = case(channel_ids=[], routing_mode="name_mapping", name_mapping_label="labels.service")
    body = route(cases=[case(), mapped], sections=[{"name": "Top", "position": 0}])
    ok("/route/upsert", emu.post("/route/upsert", body))
    item = _route_info(emu)
    assert item["cases"][0]["routing_mode"] == "standard"
    assert item["cases"][1] == {**mapped, "channel_ids": None}  # the spec's example shows null here
    assert item["sections"] == [{"name": "Top", "position": 0}]
    ok(
        "/route/upsert",
        emu.post(
            "/route/upsert", {"integration_id": SHARED, "version": 1, "default": {"channel_ids": [PAYMENTS]}}
        ),
    )
    item = _route_info(emu)
    assert "cases" not in item and "sections" not in item  # replaced, not merged


def test_route_info_and_list_on_unknown_dedicated_and_unrouted_integrations(emu: EmulatorProcess) -> None:
    failed(emu.post("/route/info", {"integration_id": 42}), "ResourceNotFound")
    failed(emu.post("/route/info", {"integration_id": seed.DEDICATED_INTEGRATION_ID}), "InvalidParameter")
    assert ok("/route/list", emu.post("/route/list", {"integration_ids": [SHARED]})) == {"items": []}
    ok("/route/upsert", emu.post("/route/upsert", route()))
    items = ok("/route/list", emu.post("/route/list", {"integration_ids": [SHARED]}))["items"]
    assert [i["integration_id"] for i in items] == [SHARED]
    failed(emu.post("/route/list", {"integration_ids": [SHARED, 42]}), "ResourceNotFound")


@pytest.mark.parametrize("path", ["/route/delete", "/route/disable", "/channel/silence/rule/info"])
def test_paths_the_api_does_not_have_are_route_not_found(emu: EmulatorProcess, path: str) -> None:
    failed(emu.post(path, {"integration_id": SHARED}), "RouteNotFound", 404)


# -- escalation rules --------------------------------------------------------------------------------


def _esc_info(emu: EmulatorProcess, rule_id: str) -> Any:
    return ok(ESC + "info", emu.post(ESC + "info", {"channel_id": PAYMENTS, "rule_id": rule_id}))


def test_escalation_create_fills_server_defaults(emu: EmulatorProcess) -> None:
    created = ok(ESC + "create", emu.post(ESC + "create", escalation()))
    assert created["rule_name"] == "Primary on-call"
    assert len(created["rule_id"]) == 24 and int(created["rule_id"], 16) >= 0
    item = _esc_info(emu, created["rule_id"])
    assert item["priority"] == 0 and item["aggr_window"] == 0 and item["description"] == ""
    assert item["filters"] == [] and item["time_filters"] == []
    assert item["status"] == "enabled" and item["account_id"] == seed.ACCOUNT_ID
    layer = item["layers"][0]
    assert (layer["max_times"], layer["notify_step"], layer["escalate_window"], layer["force_escalate"]) == (
        2,
        10,
        30,
        False,
    )
    assert layer["target"] == {
        "person_ids": [seed.ALICE_ID],
        "by": {"follow_preference": True},
        "webhooks": None,
    }
    assert item["created_at"] == item["updated_at"] > 1_700_000_000


def test_escalation_update_is_a_full_replacement(emu: EmulatorProcess) -> None:
    full = escalation(
        priority=5,
        aggr_window=120,
        description="kept?",
        filters=[[{"key": "severity", "oper": "IN", "vals": ["Critical"]}]],
        time_filters=[{"start": "09:00", "end": "17:00"}],
    )
    rule_id = ok(ESC + "create", emu.post(ESC + "create", full))["rule_id"]
    ok(ESC + "update", emu.post(ESC + "update", escalation(rule_id=rule_id, rule_name="Renamed")))
    item = _esc_info(emu, rule_id)
    assert item["rule_name"] == "Renamed"
    assert (item["priority"], item["aggr_window"], item["description"]) == (0, 0, "")
    assert item["filters"] == [] and item["time_filters"] == []


def test_escalation_list_is_in_priority_then_creation_order(emu: EmulatorProcess) -> None:
    ids = {}
    for name, priority in (("c", 3), ("a1", 1), ("b", 2), ("a2", 1)):
        ids[name] = ok(
            ESC + "create", emu.post(ESC + "create", escalation(rule_name=name, priority=priority))
        )["rule_id"]
    ok(ESC + "create", emu.post(ESC + "create", escalation(rule_name="other channel", channel_id=CHECKOUT)))
    items = ok(ESC + "list", emu.post(ESC + "list", {"channel_id": PAYMENTS}))["items"]
    assert [i["rule_name"] for i in items] == ["a1", "a2", "b", "c"]
    # an update that changes priority moves the rule; status and created_at stay
    ok(ESC + "disable", emu.post(ESC + "disable", {"channel_id": PAYMENTS, "rule_id": ids["c"]}))
    created_at = _esc_info(emu, ids["c"])["created_at"]
    ok(ESC + "update", emu.post(ESC + "update", escalation(rule_id=ids["c"], rule_name="c", priority=0)))
    items = ok(ESC + "list", emu.post(ESC + "list", {"channel_id": PAYMENTS}))["items"]
    assert [i["rule_name"] for i in items] == ["c", "a1", "a2", "b"]
    assert items[0]["status"] == "disabled" and items[0]["created_at"] == created_at


def test_escalation_enable_disable_delete(emu: EmulatorProcess) -> None:
    rule_id = ok(ESC + "create", emu.post(ESC + "create", escalation()))["rule_id"]
    ref = {"channel_id": PAYMENTS, "rule_id": rule_id}
    ok(ESC + "disable", emu.post(ESC + "disable", ref))
    assert _esc_info(emu, rule_id)["status"] == "disabled"
    ok(ESC + "disable", emu.post(ESC + "disable", ref))  # idempotent
    ok(ESC + "enable", emu.post(ESC + "enable", ref))
    assert _esc_info(emu, rule_id)["status"] == "enabled"
    ok(ESC + "delete", emu.post(ESC + "delete", ref))
    for op in ("info", "enable", "disable", "delete"):
        message = failed(emu.post(ESC + op, ref), "ResourceNotFound")  # HTTP 400, not 404
        assert rule_id in message
    failed(emu.post(ESC + "update", escalation(rule_id=rule_id)), "ResourceNotFound")


def test_rule_in_another_channel_or_unknown_channel_is_not_found(emu: EmulatorProcess) -> None:
    rule_id = ok(ESC + "create", emu.post(ESC + "create", escalation()))["rule_id"]
    failed(emu.post(ESC + "info", {"channel_id": CHECKOUT, "rule_id": rule_id}), "ResourceNotFound")
    failed(emu.post(ESC + "info", {"channel_id": 42, "rule_id": rule_id}), "ResourceNotFound")
    failed(emu.post(ESC + "list", {"channel_id": 42}), "ResourceNotFound")
    failed(emu.post(ESC + "info", {"channel_id": PAYMENTS, "rule_id": "0" * 24}), "ResourceNotFound")


def test_big_int64_ids_round_trip_exactly(emu: EmulatorProcess) -> None:
    body = escalation(
        layers=[{"target": {"person_ids": [seed.BIG_MEMBER_ID], "by": {"follow_preference": True}}}]
    )
    rule_id = ok(ESC + "create", emu.post(ESC + "create", body))["rule_id"]
    raw = emu.post(ESC + "info", {"channel_id": PAYMENTS, "rule_id": rule_id}).text
    assert '"person_ids":[9007199254740993]' in raw
    members = ok("/member/list", emu.post("/member/list", {"query": "dana"}))["items"]
    assert [m["member_id"] for m in members] == [2**53 + 1]


# -- silence rules -----------------------------------------------------------------------------------


def _silences(emu: EmulatorProcess) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = ok(SIL + "list", emu.post(SIL + "list", {"channel_id": PAYMENTS}))["items"]
    return items


def test_silence_windows_are_listed_as_decided(emu: EmulatorProcess) -> None:
    recurring = {k: v for k, v in silence(rule_name="recurring").items() if k != "time_filter"}
    recurring["time_filters"] = [{"start": "00:00", "end": "23:59"}]
    ok(SIL + "create", emu.post(SIL + "create", recurring))
    ok(SIL + "create", emu.post(SIL + "create", silence(rule_name="once", priority=1, is_auto_delete=True)))
    by_name = {i["rule_name"]: i for i in _silences(emu)}
    assert by_name["recurring"]["time_filter"] is None  # decision 10
    assert by_name["recurring"]["time_filters"] == [
        {"start": "00:00", "end": "23:59", "repeat": [], "cal_id": "", "is_off": False}
    ]
    assert by_name["once"]["time_filters"] == []
    assert by_name["once"]["from_incident_id"] == "0" * 24
    assert by_name["once"]["is_directly_discard"] is False and by_name["once"]["description"] == ""
    assert "is_auto_delete" not in by_name["once"]  # not in the spec: ignored like any unknown field


def test_silence_is_effective_inside_its_window_while_enabled(emu: EmulatorProcess) -> None:
    body = silence(time_filter={"start_time": 1_000_000_000, "end_time": 4_000_000_000})
    rule_id = ok(SIL + "create", emu.post(SIL + "create", body))["rule_id"]
    assert _silences(emu)[0]["is_effective"] is True
    ok(SIL + "disable", emu.post(SIL + "disable", {"channel_id": PAYMENTS, "rule_id": rule_id}))
    assert _silences(emu)[0]["is_effective"] is False
    ok(SIL + "update", emu.post(SIL + "update", silence(rule_id=rule_id)))  # a future window
    item = _silences(emu)[0]
    assert (item["is_effective"], item["status"]) == (False, "disabled")


def test_silence_update_replaces_and_delete_removes(emu: EmulatorProcess) -> None:
    created = silence(description="first", is_directly_discard=True, priority=9, from_incident_id="a" * 24)
    rule_id = ok(SIL + "create", emu.post(SIL + "create", created))["rule_id"]
    ok(SIL + "update", emu.post(SIL + "update", silence(rule_id=rule_id, rule_name="second")))
    (item,) = _silences(emu)
    assert (item["rule_name"], item["description"], item["is_directly_discard"], item["priority"]) == (
        "second",
        "",
        False,
        0,
    )
    assert item["from_incident_id"] == "a" * 24  # not part of update: kept
    ok(SIL + "delete", emu.post(SIL + "delete", {"channel_id": PAYMENTS, "rule_id": rule_id}))
    assert _silences(emu) == []
    failed(emu.post(SIL + "delete", {"channel_id": PAYMENTS, "rule_id": rule_id}), "ResourceNotFound")


# -- look-ups ----------------------------------------------------------------------------------------


def test_lookups_find_the_seed_by_name(emu: EmulatorProcess) -> None:
    channels = ok("/channel/list", emu.post("/channel/list", {"channel_name": "Payments"}))
    assert [c["channel_id"] for c in channels["items"]] == [PAYMENTS] and channels["total"] == 1
    everything = ok("/channel/list", emu.post("/channel/list", {"limit": 1, "asc": True, "is_brief": True}))
    assert everything["total"] == 2 and everything["has_next_page"] is True
    assert set(everything["items"][0]) == {"channel_id", "channel_name", "description", "status"}
    assert (
        ok("/channel/info", emu.post("/channel/info", {"channel_id": CHECKOUT}))["channel_name"] == "Checkout"
    )
    failed(emu.post("/channel/info", {"channel_id": 42}), "ResourceNotFound")
    members = ok("/member/list", emu.post("/member/list", {"query": "bob@example.com"}))["items"]
    assert [m["member_id"] for m in members] == [seed.BOB_ID]
    team = ok("/team/info", emu.post("/team/info", {"team_name": "SRE"}))
    assert team["team_id"] == seed.TEAM_SRE_ID and seed.CAROL_ID in team["person_ids"]
    failed(emu.post("/team/info", {"team_name": "Nobody"}), "ResourceNotFound")
    teams = ok("/team/list", emu.post("/team/list", {"person_id": seed.ALICE_ID}))
    assert [t["team_name"] for t in teams["items"]] == ["SRE"]


def test_templates_preset_by_id_custom_by_name(emu: EmulatorProcess) -> None:
    preset = ok("/template/info", emu.post("/template/info", {"template_id": seed.PRESET_TEMPLATE_ID}))
    assert preset["template_id"] == seed.PRESET_TEMPLATE_ID
    listed = ok("/template/list", emu.post("/template/list", {}))
    assert [t["template_name"] for t in listed["items"]] == [seed.CUSTOM_TEMPLATE_NAME]
    failed(emu.post("/template/info", {"template_id": "0123456789abcdef01234567"}), "ResourceNotFound")


# -- envelopes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "expected"), [("null", {"data": None}), ("object", {"data": {}}), ("omit", {})]
)
def test_empty_mutation_data_modes(emu: EmulatorProcess, mode: str, expected: dict[str, Any]) -> None:
    emu.set_config(empty_data=mode)
    rule_id = ok(ESC + "create", emu.post(ESC + "create", escalation()))["rule_id"]
    response = emu.post(ESC + "disable", {"channel_id": PAYMENTS, "rule_id": rule_id})
    payload = response.json()
    assert {k: v for k, v in payload.items() if k != "request_id"} == expected
    assert emu.post("/route/info", {"integration_id": SHARED}).json()["data"] is None  # not a mutation


def test_seed_endpoint_adds_entities(emu: EmulatorProcess) -> None:
    emu.seed(channels=[{"channel_id": 5201314529131, "channel_name": "Search", "team_id": seed.TEAM_SRE_ID}])
    found = ok("/channel/list", emu.post("/channel/list", {"channel_name": "Search"}))["items"]
    assert [c["channel_id"] for c in found] == [5201314529131]
    ok(ESC + "create", emu.post(ESC + "create", escalation(channel_id=5201314529131)))
    emu.reset()
    assert ok("/channel/list", emu.post("/channel/list", {"channel_name": "Search"}))["items"] == []
