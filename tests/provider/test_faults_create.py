"""Creates that must never duplicate a rule: a rule left by an interrupted run is taken over, a
same-named rule with other settings is refused, a timed-out create waits for the server instead of
trying again, and a renamed resource's old self does not delete the rule the new one took over.

In-process against the emulator (the same code the provider process runs); the real CLI runs these
paths in tests/e2e/test_faults*.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from flashduty_pulumi.client import FlashdutyClient
from flashduty_pulumi.client.config import ClientConfig
from flashduty_pulumi.emulator.testing import EmulatorProcess
from flashduty_pulumi.providers import (
    EscalationRuleProvider,
    FlashdutyProvider,
    ProviderError,
    RoutingRuleProvider,
    SilenceRuleProvider,
    rule_creation,
    rule_fences,
)
from flashduty_pulumi.providers.claims import Claims

pytestmark = pytest.mark.provider

P = TypeVar("P", bound=FlashdutyProvider)
Make = Callable[[type[P]], P]

CH = 5201314520131
INTEGRATION = 6022140857131


def esc(**over: Any) -> dict[str, Any]:
    return {
        "channel_id": float(CH),
        "rule_name": "Leftover",
        "template_id": "000000000000000000000001",
        "layers": [{"target": {"person_ids": [3141592653131.0], "by": {"follow_preference": True}}}],
        **over,
    }


def sil(**over: Any) -> dict[str, Any]:
    return {
        "channel_id": float(CH),
        "rule_name": "Leftover",
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
        "time_filters": [{"start": "01:00", "end": "02:00"}],
        **over,
    }


def checked(provider: FlashdutyProvider, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, {**news, "__provider": "p"})
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def body(provider: FlashdutyProvider, props: dict[str, Any]) -> dict[str, Any]:
    """The API body an earlier (interrupted) run of the same program would have sent."""
    api, _ = provider.split(props)
    return {**api, "channel_id": CH}


KINDS = [(EscalationRuleProvider, esc, "escalate"), (SilenceRuleProvider, sil, "silence")]
IDS = ["escalation", "silence"]


def rules(emu: EmulatorProcess, kind: str) -> list[dict[str, Any]]:
    return list(emu.call(f"/channel/{kind}/rule/list", {"channel_id": CH})["items"])


@pytest.mark.parametrize(("cls", "inputs", "kind"), KINDS, ids=IDS)
def test_an_identical_rule_left_by_an_interrupted_run_is_taken_over_not_duplicated(
    cls: type[FlashdutyProvider],
    inputs: Callable[..., dict[str, Any]],
    kind: str,
    configured: Make[Any],
    emu: EmulatorProcess,
    capfd: pytest.CaptureFixture[str],
) -> None:
    p = configured(cls)
    props = checked(p, inputs())
    leftover = emu.call(f"/channel/{kind}/rule/create", body(p, props))["rule_id"]
    emu.clear_requests()
    created = p.create(props)
    assert created.id == leftover
    # the only write: an unchanged rewrite that moves updated_at, so an earlier holder sees the takeover
    # (twice when the first rewrite landed in the leftover's own second: updated_at is whole seconds)
    assert [w["path"] for w in emu.writes()] in ([f"/channel/{kind}/rule/update"] * n for n in (1, 2))
    listed = emu.call(f"/channel/{kind}/rule/list", {"channel_id": CH})["items"]
    assert created.outs["updated_at"] > listed[0]["created_at"]
    assert [r["rule_id"] for r in rules(emu, kind)] == [leftover]
    assert created.outs["created_at"] and created.outs["status"] == "enabled"
    warning = capfd.readouterr().err
    assert f"({leftover}) that this resource's state does not hold" in warning
    assert "aliases=[...]" in warning and "pulumi state delete" in warning
    # Disabled wanted: taken over (rewrite), then disabled.
    emu.clear_requests()
    p2 = configured(cls)
    other = checked(p2, inputs(rule_name="Leftover off", enabled=False))
    left_off = emu.call(f"/channel/{kind}/rule/create", body(p2, other))["rule_id"]
    emu.clear_requests()
    assert p2.create(other).id == left_off
    writes = [w["path"] for w in emu.writes()]
    assert writes[:2] == [f"/channel/{kind}/rule/update", f"/channel/{kind}/rule/disable"]


@pytest.mark.parametrize(("cls", "inputs", "kind"), KINDS, ids=IDS)
def test_a_same_named_rule_with_other_settings_is_refused_with_its_id(
    cls: type[FlashdutyProvider],
    inputs: Callable[..., dict[str, Any]],
    kind: str,
    configured: Make[Any],
    emu: EmulatorProcess,
) -> None:
    p = configured(cls)
    props = checked(p, inputs())
    by_hand = {**body(p, props), "description": "made by hand"}
    theirs = emu.call(f"/channel/{kind}/rule/create", by_hand)["rule_id"]
    emu.clear_requests()
    with pytest.raises(ProviderError, match=rf"already has an? .* named 'Leftover' \({theirs}\)"):
        p.create(props)
    assert emu.writes() == []


def test_two_resources_declaring_the_same_rule_name_in_one_run_get_one_rule(
    configured: Make[Any], emu: EmulatorProcess
) -> None:
    """The process never takes over a rule it made itself, and never makes a second rule of a name
    (the program declares it twice, with values not known at preview): the second create fails."""
    p = configured(SilenceRuleProvider)
    props = checked(p, sil(rule_name="Twice"))
    first = p.create(props)
    refusal = r"another silence rule of this run already created a rule named 'Twice'"
    with pytest.raises(ProviderError, match=refusal):
        p.create(checked(p, sil(rule_name="Twice", description="other")))
    assert [r["rule_id"] for r in rules(emu, "silence")] == [first.id]


def test_a_renamed_resource_takes_the_rule_over_and_the_old_one_leaves_it(
    configured: Make[Any], emu: EmulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`up` after renaming a resource: the engine creates the new one, then deletes the old one."""
    old_run = configured(EscalationRuleProvider)
    props = checked(old_run, esc(rule_name="Renamed"))
    old = old_run.create(props)
    this_run = configured(EscalationRuleProvider)  # a later `up`, a new provider process in real life
    monkeypatch.setattr(rule_fences, "CLAIMS", Claims())
    new = this_run.create(props)
    this_run.delete(old.id, old.outs)
    assert new.id == old.id
    assert [r["rule_id"] for r in rules(emu, "escalate")] == [new.id]
    this_run.delete(new.id, new.outs)  # its own delete later on does delete it
    assert rules(emu, "escalate") == []


def short_timeout(provider: FlashdutyProvider, emu: EmulatorProcess, seconds: float) -> None:
    config = ClientConfig(app_key=emu.app_key, base_url=emu.base_url, read_timeout=seconds)
    provider.use_client(FlashdutyClient(config=config))


@pytest.mark.parametrize(("cls", "inputs", "kind"), KINDS, ids=IDS)
def test_a_create_slower_than_the_timeout_is_waited_for_not_repeated(
    cls: type[FlashdutyProvider],
    inputs: Callable[..., dict[str, Any]],
    kind: str,
    configured: Make[Any],
    emu: EmulatorProcess,
) -> None:
    p = configured(cls)
    short_timeout(p, emu, 0.5)
    # The server sleeps 1.5 s and then applies the create; the client gave up after 0.5 s.
    emu.add_fault(path=f"/channel/{kind}/rule/create", latency_ms=1500)
    created = p.create(checked(p, inputs(rule_name="Slow")))
    assert [r["rule_id"] for r in rules(emu, kind)] == [created.id]
    assert [w["path"] for w in emu.writes()] == [f"/channel/{kind}/rule/create"]


def test_a_timed_out_create_that_never_lands_fails_without_a_second_attempt(
    configured: Make[Any], emu: EmulatorProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rule_creation, "SETTLE_AFTER_TIMEOUT", 1.0)
    p = configured(SilenceRuleProvider)
    short_timeout(p, emu, 0.3)
    emu.add_fault(path="/channel/silence/rule/create", latency_ms=800, status=503)  # slow, then refused
    with pytest.raises(ProviderError, match=r"timed out .* not created again.*run `pulumi up` again"):
        p.create(checked(p, sil(rule_name="Never")))
    assert [w["path"] for w in emu.writes()] == ["/channel/silence/rule/create"]


def test_a_create_refused_by_5xx_is_tried_again_within_the_retry_budget(
    configured: Make[Any], emu: EmulatorProcess
) -> None:
    p = configured(EscalationRuleProvider)
    emu.add_fault(path="/channel/escalate/rule/create", status=503, count=4)  # refused, not applied
    created = p.create(checked(p, esc(rule_name="Stubborn")))
    assert [r["rule_id"] for r in rules(emu, "escalate")] == [created.id]
    assert [w["path"] for w in emu.writes()].count("/channel/escalate/rule/create") == 5


def test_an_identical_route_left_behind_is_taken_over_and_a_different_one_refused(
    configured: Make[Any], emu: EmulatorProcess, capfd: pytest.CaptureFixture[str]
) -> None:
    p = configured(RoutingRuleProvider)
    props = checked(p, {"integration_id": float(INTEGRATION), "default": {"channel_ids": [float(CH)]}})
    emu.call("/route/upsert", {"integration_id": INTEGRATION, "default": {"channel_ids": [CH]}, "version": 0})
    emu.clear_requests()
    created = p.create(props)
    # one unchanged upsert: the version moves on, so any earlier holder sees the takeover
    assert created.outs["version"] == 2 and [w["path"] for w in emu.writes()] == ["/route/upsert"]
    warning = capfd.readouterr().err
    assert (
        "so it was taken over" in warning and "aliases=[...]" in warning and "pulumi state delete" in warning
    )
    emu.clear_requests()
    other = checked(p, {"integration_id": float(INTEGRATION), "default": {"channel_ids": [5201314521131.0]}})
    with pytest.raises(ProviderError, match=r"differs from this one.*adopt=True"):
        p.create(other)
    assert emu.writes() == []
