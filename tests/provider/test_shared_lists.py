"""Channel lists shared between the operations of one run (benchmarks/README figures rest on these).

- the creates of a run look a channel up once for the names (not once per rule), and a name found
  in that list is checked again against a fresh list before anything is taken over;
- a refresh reads every escalation rule of a channel from one list, as it does silence rules, and
  a write through the provider makes the next read list again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from flashduty_pulumi.emulator.testing import EmulatorProcess
from flashduty_pulumi.providers import EscalationRuleProvider, FlashdutyProvider, SilenceRuleProvider

pytestmark = pytest.mark.provider

P = TypeVar("P", bound=FlashdutyProvider)
Make = Callable[[type[P]], P]

CH = 5201314520131
LIST = {
    EscalationRuleProvider: "/channel/escalate/rule/list",
    SilenceRuleProvider: "/channel/silence/rule/list",
}


def esc(name: str, **over: Any) -> dict[str, Any]:
    return {
        "channel_id": float(CH),
        "rule_name": name,
        "template_id": "000000000000000000000001",
        "layers": [{"target": {"person_ids": [3141592653131.0], "by": {"follow_preference": True}}}],
        **over,
    }


def sil(name: str, **over: Any) -> dict[str, Any]:
    return {
        "channel_id": float(CH),
        "rule_name": name,
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
        "time_filters": [{"start": "01:00", "end": "02:00"}],
        **over,
    }


INPUTS = {EscalationRuleProvider: esc, SilenceRuleProvider: sil}


def checked(provider: FlashdutyProvider, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, {**news, "__provider": "p"})
    assert result.failures == []
    return dict(result.inputs)


def calls(emu: EmulatorProcess) -> Counter[str]:
    return Counter(entry["path"] for entry in emu.requests())


@pytest.mark.parametrize("cls", [EscalationRuleProvider, SilenceRuleProvider], ids=["escalation", "silence"])
def test_the_creates_of_a_run_look_a_channel_up_once(
    cls: type[FlashdutyProvider], configured: Make[Any], emu: EmulatorProcess
) -> None:
    p = configured(cls)
    made = [p.create(checked(p, INPUTS[cls](f"rule {i}"))) for i in range(4)]
    assert len({c.id for c in made}) == 4
    seen = calls(emu)
    assert sum(seen.values()) == 1 + 4 * 2  # one look-up, then create + read back per rule
    # (a silence rule is read back through the list too: 4 of those are read-backs)
    assert seen[LIST[cls]] == (1 if cls is EscalationRuleProvider else 5)


def test_a_name_in_the_shared_list_is_checked_again_before_a_take_over(
    configured: Make[Any], emu: EmulatorProcess, capfd: pytest.CaptureFixture[str]
) -> None:
    """The leftover the run's list showed was deleted since: the create makes the rule, as it should."""
    p = configured(EscalationRuleProvider)
    props = checked(p, esc("Leftover"))
    api, _ = p.split(props)
    leftover = emu.call("/channel/escalate/rule/create", {**api, "channel_id": CH})["rule_id"]
    p.create(checked(p, esc("First")))  # lists the channel: the leftover is in the run's list
    emu.call("/channel/escalate/rule/delete", {"channel_id": CH, "rule_id": leftover})
    created = p.create(props)
    assert created.id != leftover
    assert "taken over" not in capfd.readouterr().err
    names = [r["rule_name"] for r in emu.call("/channel/escalate/rule/list", {"channel_id": CH})["items"]]
    assert sorted(names) == ["First", "Leftover"]


@pytest.mark.parametrize("cls", [EscalationRuleProvider, SilenceRuleProvider], ids=["escalation", "silence"])
def test_a_refresh_lists_a_channel_once_and_a_write_makes_it_list_again(
    cls: type[FlashdutyProvider], configured: Make[Any], emu: EmulatorProcess
) -> None:
    p = configured(cls)
    made = [p.create(checked(p, INPUTS[cls](f"rule {i}"))) for i in range(3)]
    emu.clear_requests()
    reads = [p.read(c.id, c.outs) for c in made]
    assert [r.outs for r in reads] == [c.outs for c in made]
    assert calls(emu) == Counter({LIST[cls]: 1})
    p.update(made[0].id, made[0].outs, checked(p, INPUTS[cls]("rule 0", description="now")))
    emu.clear_requests()
    assert p.read(made[0].id, made[0].outs).outs["description"] == "now"  # type: ignore[index]
    assert calls(emu) == Counter({LIST[cls]: 1})
