"""The provider methods against the emulator: the full lifecycle of each kind and the hard cases.

Run in-process (the methods the provider process calls), so failures point at the code; the same
paths run through the real provider process in test_grpc_provider.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from flashduty_pulumi.emulator.testing import EmulatorProcess
from flashduty_pulumi.providers import (
    EscalationRuleProvider,
    FlashdutyProvider,
    ProviderError,
    RoutingRuleProvider,
    SilenceRuleProvider,
)

pytestmark = pytest.mark.provider

P = TypeVar("P", bound=FlashdutyProvider)
Make = Callable[[type[P]], P]

CH, CH2 = 5201314520131, 5201314521131
ALICE, BOB, DANA = 3141592653131, 3141592654131, "9007199254740993"
INTEGRATION = 6022140857131
PRESET = "000000000000000000000001"


def esc(**over: Any) -> dict[str, Any]:
    return {
        "channel_id": float(CH),
        "rule_name": "Payments on-call",
        "template_id": PRESET,
        "layers": [
            {"target": {"person_ids": [float(BOB), float(ALICE)], "by": {"critical": ["voice", "sms"]}}},
            {"target": {"person_ids": [DANA], "by": {"follow_preference": True}}, "escalate_window": 15.0},
        ],
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Warning", "Critical"]}]],
        "time_filters": [{"start": "09:00", "end": "18:00", "repeat": [5.0, 1.0, 2.0, 3.0, 4.0]}],
        **over,
    }


def sil(**over: Any) -> dict[str, Any]:
    return {
        "channel_id": float(CH),
        "rule_name": "Nightly maintenance",
        "filters": [[{"key": "labels.env", "oper": "IN", "vals": ["staging", "dev"]}]],
        "time_filters": [{"start": "01:00", "end": "03:00", "repeat": [6.0, 0.0]}],
        **over,
    }


def rte(**over: Any) -> dict[str, Any]:
    return {
        "integration_id": float(INTEGRATION),
        "cases": [
            {
                "if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}],
                "channel_ids": [float(CH2), float(CH)],
            },
            {
                "if": [{"key": "labels.service", "oper": "IN", "vals": ["*"]}],
                "routing_mode": "name_mapping",
                "name_mapping_label": "labels.service",
            },
        ],
        "default": {"channel_ids": [float(CH)]},
        "sections": [{"name": "Critical", "position": 0.0}],
        **over,
    }


def checked(provider: FlashdutyProvider, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, {**news, "__provider": "p"})
    assert not result.failures, [(f.property, f.reason) for f in result.failures]
    return result.inputs


def paths(emu: EmulatorProcess) -> list[str]:
    return [entry["path"] for entry in emu.requests()]


KINDS: list[tuple[type[FlashdutyProvider], Callable[..., dict[str, Any]], dict[str, Any]]] = [
    (EscalationRuleProvider, esc, {"description": "changed", "priority": 7.0}),
    (SilenceRuleProvider, sil, {"description": "changed", "is_directly_discard": True}),
    (RoutingRuleProvider, rte, {"default": {"channel_ids": [float(CH2)]}}),
]


@pytest.mark.parametrize(("cls", "inputs", "change"), KINDS, ids=["escalation", "silence", "route"])
def test_full_lifecycle(
    cls: type[FlashdutyProvider],
    inputs: Callable[..., dict[str, Any]],
    change: dict[str, Any],
    configured: Make[Any],
    emu: EmulatorProcess,
) -> None:
    p = configured(cls)
    news = checked(p, inputs())
    created = p.create(news)
    assert created.id and created.outs
    assert {k: created.outs[k] for k in news} == news  # the rule read back is what check produced
    # refresh right after up: no change in outputs nor inputs
    refreshed = p.read(created.id, created.outs)
    assert refreshed.id == created.id
    assert refreshed.outs == created.outs
    assert refreshed.inputs == news
    # preview right after up: no diff
    assert p.diff(created.id, created.outs, news).changes is False
    # update
    news2 = checked(p, inputs(**change))
    diff = p.diff(created.id, created.outs, news2)
    assert diff.changes is True and not diff.replaces
    updated = p.update(created.id, created.outs, news2).outs
    assert updated is not None
    assert {k: updated[k] for k in news2} == news2
    assert p.read(created.id, updated).outs == updated
    assert p.diff(created.id, updated, news2).changes is False
    # delete (a route is retained by default: still there, just unmanaged)
    p.delete(created.id, updated)
    again = p.read(created.id, updated)
    assert (again.id == created.id) if cls is RoutingRuleProvider else (again.id == "")


def test_ids_above_2_pow_53_survive_the_round_trip(configured: Make[Any], emu: EmulatorProcess) -> None:
    p = configured(EscalationRuleProvider)
    created = p.create(checked(p, esc()))
    stored = emu.call("/channel/escalate/rule/info", {"channel_id": CH, "rule_id": created.id})
    assert stored["layers"][1]["target"]["person_ids"] == [int(DANA)]  # exact on the server
    assert created.outs["layers"][1]["target"]["person_ids"] == [DANA]  # a string in state


@pytest.mark.parametrize("cls", [EscalationRuleProvider, SilenceRuleProvider], ids=["escalation", "silence"])
def test_enabled_toggling(cls: type[FlashdutyProvider], configured: Make[Any], emu: EmulatorProcess) -> None:
    p = configured(cls)
    inputs = esc if cls is EscalationRuleProvider else sil
    off = checked(p, inputs(enabled=False))
    created = p.create(off)
    assert created.outs["status"] == "disabled" and created.outs["enabled"] is False
    on = checked(p, inputs())
    assert p.diff(created.id, created.outs, on).changes is True
    assert p.changed_keys(created.outs, on) == (["enabled"], [])
    emu.clear_requests()
    outs = p.update(created.id, created.outs, on).outs
    assert outs is not None and outs["status"] == "enabled" and outs["enabled"] is True
    assert not any(path.endswith("/update") for path in paths(emu))  # only enable + read back


@pytest.mark.parametrize(
    ("cls", "inputs"),
    [(EscalationRuleProvider, esc), (SilenceRuleProvider, sil)],
    ids=["escalation", "silence"],
)
def test_deleted_outside_pulumi(
    cls: type[FlashdutyProvider],
    inputs: Callable[..., dict[str, Any]],
    configured: Make[Any],
    emu: EmulatorProcess,
) -> None:
    p = configured(cls)
    created = p.create(checked(p, inputs()))
    kind = "escalate" if cls is EscalationRuleProvider else "silence"
    emu.call(f"/channel/{kind}/rule/disable", {"channel_id": CH, "rule_id": created.id})
    emu.call(f"/channel/{kind}/rule/delete", {"channel_id": CH, "rule_id": created.id})
    gone = p.read(created.id, created.outs)
    assert gone.id == "" and gone.outs == {}
    with pytest.raises(ProviderError, match="pulumi refresh"):
        p.update(created.id, created.outs, checked(p, inputs(description="x")))
    p.delete(created.id, created.outs)  # already gone: fine


def test_drift_is_seen_by_refresh_and_corrected_by_update(
    configured: Make[Any], emu: EmulatorProcess
) -> None:
    p = configured(SilenceRuleProvider)
    program = checked(p, sil())
    created = p.create(program)
    live = emu.call("/channel/silence/rule/list", {"channel_id": CH})["items"][0]
    emu.call(
        "/channel/silence/rule/update",
        {
            **{
                k: live[k]
                for k in ("channel_id", "rule_id", "rule_name", "filters", "time_filters", "priority")
            },
            "description": "edited in the console",
        },
    )
    emu.call("/channel/silence/rule/disable", {"channel_id": CH, "rule_id": created.id})
    refreshed = p.read(created.id, created.outs)
    assert refreshed.inputs is not None and refreshed.outs is not None
    assert refreshed.inputs["description"] == "edited in the console" and refreshed.inputs["enabled"] is False
    assert p.diff(created.id, refreshed.outs, program).changes is True
    assert p.changed_keys(refreshed.outs, program) == (["description", "enabled"], [])
    fixed = p.update(created.id, refreshed.outs, program).outs
    assert fixed is not None and fixed["description"] == "" and fixed["status"] == "enabled"


def test_route_stale_version_is_a_clear_conflict(configured: Make[Any], emu: EmulatorProcess) -> None:
    p = configured(RoutingRuleProvider)
    created = p.create(checked(p, rte()))
    # someone edits the route in the console: version moves on
    live = emu.call("/route/info", {"integration_id": INTEGRATION})
    emu.call(
        "/route/upsert",
        {
            "integration_id": INTEGRATION,
            "cases": created.outs["cases"],
            "sections": [],
            "default": {"channel_ids": [CH2]},
            "version": live["version"],
        },
    )
    wanted = checked(p, rte(default={"channel_ids": [float(CH), float(CH2)]}))
    emu.clear_requests()
    with pytest.raises(ProviderError) as info:
        p.update(created.id, created.outs, wanted)
    text = str(info.value)
    assert "changed outside Pulumi" in text and "pulumi refresh" in text and "pulumi up" in text
    assert "nothing was overwritten" in text
    assert emu.call("/route/info", {"integration_id": INTEGRATION})["default"]["channel_ids"] == [CH2]
    # the documented way out: refresh, then up
    refreshed = p.read(created.id, created.outs)
    assert refreshed.outs is not None
    outs = p.update(created.id, refreshed.outs, wanted).outs
    assert outs is not None and outs["default"] == {"channel_ids": [CH, CH2]}


def test_route_create_refuses_an_existing_route_without_adopt(
    configured: Make[Any], emu: EmulatorProcess
) -> None:
    emu.call("/route/upsert", {"integration_id": INTEGRATION, "default": {"channel_ids": [CH]}, "version": 0})
    p = configured(RoutingRuleProvider)
    emu.clear_requests()
    with pytest.raises(ProviderError, match=r"already has a routing rule \(version 1\).*adopt=True"):
        p.create(checked(p, rte()))
    assert emu.writes() == []


def test_route_adoption_rewrites_once_so_an_earlier_holder_sees_it(
    configured: Make[Any], emu: EmulatorProcess, capfd: pytest.CaptureFixture[str]
) -> None:
    p = configured(RoutingRuleProvider)
    program = checked(p, rte(adopt=True, delete_behavior="reset"))
    earlier = p.create(program)  # an earlier holder (another stack, or the name before a rename)
    emu.clear_requests()
    created = p.create(program)  # identical: one unchanged upsert moves the version on
    assert [w["path"] for w in emu.writes()] == ["/route/upsert"]
    assert created.id == str(INTEGRATION) and created.outs["version"] == earlier.outs["version"] + 1
    # the earlier holder: its refresh keeps its state, its reset leaves the route alone
    capfd.readouterr()
    assert p.read(earlier.id, earlier.outs).outs == {k: v for k, v in earlier.outs.items() if v is not None}
    emu.clear_requests()
    p.delete(earlier.id, earlier.outs)
    assert "taken over by another resource" in capfd.readouterr().err
    assert [e["status"] for e in emu.writes()] != [200] * len(emu.writes()) or emu.writes() == []
    assert emu.call("/route/info", {"integration_id": INTEGRATION})["version"] == created.outs["version"]
    # different: one upsert with the current version
    emu.clear_requests()
    p.create(checked(p, rte(adopt=True, default={"channel_ids": [float(CH2)]})))
    assert [w["path"] for w in emu.writes()] == ["/route/upsert"]
    assert emu.writes()[0]["body"]["version"] == created.outs["version"]


@pytest.mark.parametrize(
    ("cls", "inputs", "kind"),
    [(EscalationRuleProvider, esc, "escalate"), (SilenceRuleProvider, sil, "silence")],
    ids=["escalation", "silence"],
)
def test_rule_adoption(
    cls: type[FlashdutyProvider],
    inputs: Callable[..., dict[str, Any]],
    kind: str,
    configured: Make[Any],
    emu: EmulatorProcess,
) -> None:
    p = configured(cls)
    program = checked(p, inputs())
    body = {k: v for k, v in program.items() if k in p.api_fields}
    body = {**body, "channel_id": CH}
    if cls is EscalationRuleProvider:
        body["layers"][1]["target"]["person_ids"] = [int(DANA)]
    rule_id = emu.call(f"/channel/{kind}/rule/create", body)["rule_id"]
    # identical: adopted with one unchanged rewrite, which moves updated_at so that any earlier
    # holder's fence sees the takeover
    emu.clear_requests()
    adopted = p.create(checked(p, inputs(adopt_rule_id=rule_id.upper())))
    assert adopted.id == rule_id
    assert [w["path"] for w in emu.writes()] in ([f"/channel/{kind}/rule/update"] * n for n in (1, 2))
    assert adopted.outs["adopt_rule_id"] == rule_id
    # different and disabled wanted: update + disable (the update again, a second later, when the
    # first landed in the same whole second as the previous takeover), nothing else written
    emu.clear_requests()
    again = p.create(checked(p, inputs(adopt_rule_id=rule_id, description="mine now", enabled=False)))
    writes = [w["path"] for w in emu.writes()]
    assert writes[:2] == [f"/channel/{kind}/rule/update", f"/channel/{kind}/rule/disable"]
    assert set(writes[2:]) <= {f"/channel/{kind}/rule/update"}
    assert again.outs["updated_at"] > adopted.outs["updated_at"]
    assert len(emu.call(f"/channel/{kind}/rule/list", {"channel_id": CH})["items"]) == 1
    with pytest.raises(ProviderError, match=r"no .* with that rule_id"):
        p.create(checked(p, inputs(adopt_rule_id="66f1e2d3c4b5a697889900aa")))


@pytest.mark.parametrize(
    ("cls", "inputs", "kind"),
    [(EscalationRuleProvider, esc, "escalate"), (SilenceRuleProvider, sil, "silence")],
    ids=["escalation", "silence"],
)
@pytest.mark.parametrize("fault", [{"status": 503}, {"drop_connection": True}], ids=["503", "dropped"])
def test_create_after_an_applied_failure_makes_exactly_one_rule(
    cls: type[FlashdutyProvider],
    inputs: Callable[..., dict[str, Any]],
    kind: str,
    fault: dict[str, Any],
    configured: Make[Any],
    emu: EmulatorProcess,
) -> None:
    p = configured(cls)
    emu.add_fault(path=f"/channel/{kind}/rule/create", after_apply=True, **fault)
    created = p.create(checked(p, inputs()))
    items = emu.call(f"/channel/{kind}/rule/list", {"channel_id": CH})["items"]
    assert [item["rule_id"] for item in items] == [created.id]
    creates = [path for path in paths(emu) if path.endswith("/create")]
    assert creates == [f"/channel/{kind}/rule/create"]  # found by name, not created again


def test_create_retries_when_the_failed_attempt_did_not_apply(
    configured: Make[Any], emu: EmulatorProcess
) -> None:
    p = configured(SilenceRuleProvider)
    emu.add_fault(path="/channel/silence/rule/create", status=503)  # refused before applying
    created = p.create(checked(p, sil()))
    items = emu.call("/channel/silence/rule/list", {"channel_id": CH})["items"]
    assert [item["rule_id"] for item in items] == [created.id]


def test_route_delete_behaviors(
    configured: Make[Any], emu: EmulatorProcess, capfd: pytest.CaptureFixture[str]
) -> None:
    p = configured(RoutingRuleProvider)
    created = p.create(checked(p, rte()))
    emu.clear_requests()
    p.delete(created.id, created.outs)
    assert paths(emu) == []
    assert 'delete_behavior "retain"' in capfd.readouterr().err
    # reset: rewritten to a default-only route, with the version from the state
    outs = p.update(created.id, created.outs, checked(p, rte(delete_behavior="reset"))).outs
    assert outs is not None and outs["delete_behavior"] == "reset"
    emu.clear_requests()
    p.delete(created.id, outs)
    assert [w["path"] for w in emu.writes()] == ["/route/upsert"]
    live = emu.call("/route/info", {"integration_id": INTEGRATION})
    assert not live.get("cases") and live["default"]["channel_ids"] == [CH]


def test_rule_delete_disables_first_and_tolerates_a_missing_rule(
    configured: Make[Any], emu: EmulatorProcess
) -> None:
    p = configured(EscalationRuleProvider)
    created = p.create(checked(p, esc()))
    emu.clear_requests()
    p.delete(created.id, created.outs)
    # the fence's look at the channel, then disable and delete
    assert paths(emu) == [
        "/channel/escalate/rule/list",
        "/channel/escalate/rule/disable",
        "/channel/escalate/rule/delete",
    ]
    p.delete(created.id, created.outs)  # second time: already gone, still fine


def test_channel_change_replaces_through_a_new_rule(configured: Make[Any], emu: EmulatorProcess) -> None:
    p = configured(EscalationRuleProvider)
    created = p.create(checked(p, esc()))
    moved = checked(p, esc(channel_id=float(CH2)))
    diff = p.diff(created.id, created.outs, moved)
    assert diff.replaces == ["channel_id"] and diff.delete_before_replace is False
    new = p.create(moved)  # the engine creates the replacement first...
    p.delete(created.id, created.outs)  # ...then deletes the old rule
    assert new.id != created.id
    assert emu.call("/channel/escalate/rule/list", {"channel_id": CH})["items"] == []
    assert len(emu.call("/channel/escalate/rule/list", {"channel_id": CH2})["items"]) == 1


def test_a_refresh_lists_a_channel_once_for_all_its_silence_rules(
    configured: Make[Any], emu: EmulatorProcess
) -> None:
    p = configured(SilenceRuleProvider)
    made = [p.create(checked(p, sil(rule_name=f"quiet {i}"))) for i in range(3)]
    emu.clear_requests()
    reads = [p.read(c.id, c.outs) for c in made]
    assert [r.outs == c.outs for r, c in zip(reads, made, strict=True)] == [True, True, True]
    assert paths(emu) == ["/channel/silence/rule/list"]
    # a write through the provider forgets the channel's list: the next read sees the change
    p.update(made[0].id, made[0].outs, checked(p, sil(rule_name="quiet 0", description="now")))
    emu.clear_requests()
    assert p.read(made[0].id, made[0].outs).outs["description"] == "now"  # type: ignore[index]
    assert paths(emu) == ["/channel/silence/rule/list"]
