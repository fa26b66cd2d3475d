"""Every broken input of the table fails check on the field it breaks, in-process and offline.

The same table runs against the real provider process in tests/provider/test_grpc_check_table.py,
where the emulator's request log proves that check sends nothing to the API.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from flashduty_pulumi.providers import (
    EscalationRuleProvider,
    FlashdutyProvider,
    RoutingRuleProvider,
    SilenceRuleProvider,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "provider"))
from bad_inputs import BAD_INPUTS, BASES, Bad

pytestmark = pytest.mark.unit

PROVIDERS: dict[str, type[FlashdutyProvider]] = {
    "EscalationRule": EscalationRuleProvider,
    "SilenceRule": SilenceRuleProvider,
    "RoutingRule": RoutingRuleProvider,
}


def test_the_table_is_large_and_covers_every_kind() -> None:
    assert len(BAD_INPUTS) >= 40
    assert {b.kind for b in BAD_INPUTS} == set(PROVIDERS)


@pytest.mark.parametrize("kind", sorted(BASES))
def test_the_valid_baselines_pass(kind: str) -> None:
    result = PROVIDERS[kind]().check({}, BASES[kind]())
    assert result.failures == []


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=str)
def test_bad_input_fails_on_its_path(bad: Bad, monkeypatch: pytest.MonkeyPatch) -> None:
    provider = PROVIDERS[bad.kind]()
    # check must never need the API: make any attempt to build a client blow up.
    monkeypatch.setattr(type(provider), "client", property(lambda self: pytest.fail("check used the client")))
    result = provider.check({}, {**bad.inputs(), "__provider": "serialized"})
    paths = [getattr(f, "path", f.property) for f in result.failures]
    assert bad.path in paths, [f.reason for f in result.failures]
    for failure in result.failures:
        assert failure.reason and "Traceback" not in failure.reason
