"""The fence: a resource never updates, disables or deletes a rule it no longer holds, or one that
changed outside Pulumi since it last read it; a takeover shows itself to the earlier holder, in the
same run as in a later one, and a refresh never makes a stale holder the holder again.

Each "run" is a fresh provider instance with fresh process memory (claims, cached lists), as a new
provider process would be; the only evidence a run has is the live rule and the state it is given.
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
    SilenceRuleProvider,
    rule_fences,
)
from flashduty_pulumi.providers.claims import Claims
from flashduty_pulumi.providers.rules import clear_read_cache

pytestmark = pytest.mark.provider

P = TypeVar("P", bound=FlashdutyProvider)
Make = Callable[[type[P]], P]

CH = 5201314520131


def esc(**over: Any) -> dict[str, Any]:
    return {
        "channel_id": float(CH),
        "rule_name": "Payments on-call",
        "template_id": "000000000000000000000001",
        "layers": [{"target": {"person_ids": [3141592653131.0], "by": {"follow_preference": True}}}],
        **over,
    }


def sil(**over: Any) -> dict[str, Any]:
    return {
        "channel_id": float(CH),
        "rule_name": "Nightly",
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
        "time_filters": [{"start": "01:00", "end": "02:00"}],
        **over,
    }


KINDS = [(EscalationRuleProvider, esc, "escalate"), (SilenceRuleProvider, sil, "silence")]
IDS = ["escalation", "silence"]


def checked(provider: FlashdutyProvider, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, {**news, "__provider": "p"})
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return dict(result.inputs)


def live(emu: EmulatorProcess, kind: str) -> list[dict[str, Any]]:
    return list(emu.call(f"/channel/{kind}/rule/list", {"channel_id": CH})["items"])


@pytest.fixture
def run(configured: Make[Any], monkeypatch: pytest.MonkeyPatch) -> Callable[[type[P]], P]:
    """A provider as a new run's provider process has it: nothing remembered from earlier runs."""

    def make(cls: type[P]) -> P:
        clear_read_cache()
        monkeypatch.setattr(rule_fences, "CLAIMS", Claims())
        return configured(cls)

    return make


@pytest.mark.parametrize(("cls", "inputs", "kind"), KINDS, ids=IDS)
def test_a_rule_taken_over_in_an_earlier_run_is_never_touched_by_its_old_holder(
    cls: type[FlashdutyProvider],
    inputs: Callable[..., dict[str, Any]],
    kind: str,
    run: Make[Any],
    emu: EmulatorProcess,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A rename without an alias whose old delete never ran (a failed `up`, `up --target`), or a rule
    that moved to another stack: the old resource's later runs leave the rule to the new one."""
    first = run(cls)
    old = first.create(checked(first, inputs()))
    second = run(cls)
    new = second.create(checked(second, inputs()))
    assert new.id == old.id and new.outs["updated_at"] > old.outs["updated_at"]
    capfd.readouterr()

    # `up --refresh` / `pulumi refresh` of the old holder: its state is kept, not re-taken
    third = run(cls)
    read = third.read(old.id, old.outs)
    assert read.outs == {k: v for k, v in old.outs.items() if v is not None}
    assert "has taken it over" in capfd.readouterr().err
    # its update is refused, nothing written
    emu.clear_requests()
    with pytest.raises(
        ProviderError, match=r"has taken it over, so the update was refused and nothing was written"
    ):
        third.update(old.id, dict(read.outs or {}), checked(third, inputs(description="old holder's edit")))
    assert emu.writes() == []
    # its delete leaves the rule in place (the engine drops it from the old state), with safe advice
    third.delete(old.id, dict(read.outs or {}))
    assert emu.writes() == []
    warning = capfd.readouterr().err
    assert "left in place" in warning and "aliases=[...]" in warning and "retain_on_delete=True" in warning
    assert [r["rule_id"] for r in live(emu, kind)] == [new.id]
    # the new holder still manages it: update, then delete
    fourth = run(cls)
    updated = fourth.update(new.id, new.outs, checked(fourth, inputs(description="new holder's edit")))
    assert live(emu, kind)[0]["description"] == "new holder's edit"
    fourth.delete(new.id, updated.outs)
    assert live(emu, kind) == []


def test_a_rename_in_one_run_leaves_the_rule_to_the_new_resource(
    run: Make[Any], emu: EmulatorProcess
) -> None:
    """The engine creates the renamed resource (a takeover), then deletes the old one, in one run."""
    first = run(EscalationRuleProvider)
    old = first.create(checked(first, esc()))
    same = run(EscalationRuleProvider)
    new = same.create(checked(same, esc()))
    same.delete(old.id, old.outs)
    assert [r["rule_id"] for r in live(emu, "escalate")] == [new.id]


@pytest.mark.parametrize(("cls", "inputs", "kind"), KINDS, ids=IDS)
def test_a_rule_changed_outside_is_neither_overwritten_nor_deleted_until_refreshed(
    cls: type[FlashdutyProvider],
    inputs: Callable[..., dict[str, Any]],
    kind: str,
    run: Make[Any],
    emu: EmulatorProcess,
) -> None:
    first = run(cls)
    made = first.create(checked(first, inputs()))
    console = {**first.split(made.outs)[0], "channel_id": CH, "rule_id": made.id, "description": "by hand"}
    emu.call(f"/channel/{kind}/rule/update", console)
    later = run(cls)
    emu.clear_requests()
    with pytest.raises(
        ProviderError, match=r"changed outside Pulumi since this stack last read it, so the delete"
    ):
        later.delete(made.id, made.outs)
    with pytest.raises(
        ProviderError, match=r"changed outside Pulumi .* so the update was refused.*pulumi refresh"
    ):
        later.update(made.id, made.outs, checked(later, inputs(description="mine")))
    assert emu.writes() == []
    assert live(emu, kind)[0]["description"] == "by hand"
    # after a refresh the drift is in the state, and `up` reverts it as usual
    refreshed = later.read(made.id, made.outs)
    assert refreshed.outs is not None and refreshed.outs["description"] == "by hand"
    reverted = later.update(made.id, dict(refreshed.outs), checked(later, inputs()))
    assert live(emu, kind)[0]["description"] == ""
    # disabled in the console: the delete is refused too, until a refresh
    emu.call(f"/channel/{kind}/rule/disable", {"channel_id": CH, "rule_id": made.id})
    last = run(cls)
    with pytest.raises(ProviderError, match=r"changed outside Pulumi"):
        last.delete(made.id, reverted.outs)
    assert len(live(emu, kind)) == 1
    last.delete(made.id, dict(last.read(made.id, reverted.outs).outs or {}))
    assert live(emu, kind) == []


def test_a_rename_to_a_name_in_use_is_refused_in_one_run_as_in_two(
    run: Make[Any], emu: EmulatorProcess
) -> None:
    first = run(SilenceRuleProvider)
    a = first.create(checked(first, sil(rule_name="A")))
    b = first.create(checked(first, sil(rule_name="B")))
    emu.clear_requests()
    with pytest.raises(ProviderError, match=r"already has a silence rule named 'A' .*rename was refused"):
        first.update(b.id, b.outs, checked(first, sil(rule_name="A")))  # one run
    later = run(SilenceRuleProvider)
    with pytest.raises(ProviderError, match=r"already has a silence rule named 'A' .*rename was refused"):
        later.update(b.id, b.outs, checked(later, sil(rule_name="A")))  # a later run
    assert emu.writes() == []
    assert sorted(r["rule_name"] for r in live(emu, "silence")) == ["A", "B"]
    # a free name is fine, and the old one is then free for a new rule in the same run
    later.update(b.id, b.outs, checked(later, sil(rule_name="C")))
    later.create(checked(later, sil(rule_name="B")))
    assert sorted(r["rule_name"] for r in live(emu, "silence")) == ["A", "B", "C"]
    assert a.id in {r["rule_id"] for r in live(emu, "silence")}


def test_the_fences_of_a_destroy_share_one_list_per_channel(run: Make[Any], emu: EmulatorProcess) -> None:
    first = run(SilenceRuleProvider)
    made = [first.create(checked(first, sil(rule_name=f"quiet {i}"))) for i in range(4)]
    later = run(SilenceRuleProvider)
    emu.clear_requests()
    for m in made:
        later.delete(m.id, m.outs)
    paths = [r["path"] for r in emu.requests()]
    assert paths.count("/channel/silence/rule/list") == 1
    assert len(paths) == 1 + 2 * len(made)
    assert live(emu, "silence") == []
