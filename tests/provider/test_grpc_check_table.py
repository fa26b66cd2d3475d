"""The table of broken inputs through the real provider process: each one fails on its field, and
the emulator's request log stays empty (check never calls the API)."""

from __future__ import annotations

import pytest
from bad_inputs import BAD_INPUTS
from harness import ManagedResource, ProviderProcess

from flashduty_pulumi.emulator.testing import EmulatorProcess
from flashduty_pulumi.providers import (
    EscalationRuleProvider,
    FlashdutyProvider,
    RoutingRuleProvider,
    SilenceRuleProvider,
)

pytestmark = pytest.mark.provider

PROVIDERS: dict[str, FlashdutyProvider] = {
    "EscalationRule": EscalationRuleProvider(),
    "SilenceRule": SilenceRuleProvider(),
    "RoutingRule": RoutingRuleProvider(),
}


def test_every_bad_input_fails_on_its_field_and_nothing_reaches_the_api(
    proc: ProviderProcess, emu: EmulatorProcess
) -> None:
    assert len(BAD_INPUTS) >= 40
    emu.clear_requests()
    wrong: list[str] = []
    for i, bad in enumerate(BAD_INPUTS):
        res = ManagedResource(
            proc, PROVIDERS[bad.kind], f"pulumi-python:dynamic/flashduty:{bad.kind}", f"bad{i}"
        )
        outcome = res.check(bad.inputs())
        found = [path for path, _ in outcome.failures]
        if bad.path not in found:
            wrong.append(f"{bad}: expected {bad.path!r}, got {outcome.failures}")
    assert wrong == [], "\n".join(wrong)
    assert emu.requests() == []
    print(f"\n{len(BAD_INPUTS)} bad inputs, each failed on its field; API requests during check: 0")
