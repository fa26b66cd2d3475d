"""The real provider process (``python -m pulumi.dynamic``), driven over gRPC as the engine does.

Configure gets the stack config with the app key as a secret; Check, Diff (olds = outputs),
Create, Read, Update and Delete get ``__provider`` as the plain serialized string. Every kind goes
through create -> preview (no diff) -> refresh (no change) -> update -> replace -> destroy.
"""

from __future__ import annotations

from typing import Any

import pytest
from harness import UNKNOWN, ManagedResource, ProviderError, ProviderProcess
from support.polling import wait_for

from flashduty_pulumi.emulator.testing import EmulatorProcess
from flashduty_pulumi.providers import EscalationRuleProvider, RoutingRuleProvider, SilenceRuleProvider

pytestmark = pytest.mark.provider

CH, CH2 = 5201314520131, 5201314521131
INTEGRATION = 6022140857131  # the seed's shared integration
INTEGRATION2 = 6022140859131  # a second shared integration, seeded by the route test
TOKEN = "pulumi-python:dynamic/flashduty:"

ESC = {
    "channel_id": CH,
    "rule_name": "Payments on-call",
    "template_id": "000000000000000000000001",
    "layers": [
        {"target": {"person_ids": [3141592654131, 3141592653131], "by": {"critical": ["voice", "sms"]}}},
        {"target": {"person_ids": ["9007199254740993"], "by": {"follow_preference": True}}},
    ],
    "enabled": True,
}
SIL = {
    "channel_id": CH,
    "rule_name": "Nightly maintenance",
    "filters": [[{"key": "labels.env", "oper": "IN", "vals": ["staging"]}]],
    "time_filter": {"start_time": 1900000000, "end_time": 1900003600},
    "enabled": True,
}
ROUTE = {
    "integration_id": INTEGRATION,
    "cases": [{"if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}], "channel_ids": [CH2, CH]}],
    "default": {"channel_ids": [CH]},
    "adopt": False,
    "delete_behavior": "reset",
}

KINDS = [
    ("EscalationRule", EscalationRuleProvider(), ESC, {"priority": 9}, {"channel_id": CH2}),
    (
        "SilenceRule",
        SilenceRuleProvider(),
        SIL,
        {"description": "moved", "enabled": False},
        {"channel_id": CH2},
    ),
    (
        "RoutingRule",
        RoutingRuleProvider(),
        ROUTE,
        {"sections": [{"name": "Top", "position": 0}]},
        {"integration_id": INTEGRATION2},
    ),
]


@pytest.mark.parametrize(
    ("kind", "provider", "inputs", "change", "identity"), KINDS, ids=[k[0] for k in KINDS]
)
def test_lifecycle_over_grpc(
    kind: str,
    provider: Any,
    inputs: dict[str, Any],
    change: dict[str, Any],
    identity: dict[str, Any],
    proc: ProviderProcess,
    emu: EmulatorProcess,
) -> None:
    emu.seed(integrations=[{"integration_id": INTEGRATION2, "integration_name": "Second (shared)"}])
    res = ManagedResource(proc, provider, TOKEN + kind, "r1")
    assert len(res.serialized) < 200
    assert res.up(inputs) == "create"
    assert res.outputs["__provider"] == res.serialized
    assert res.outputs["status"] == "enabled"
    created_outputs = dict(res.outputs)
    # preview and refresh right after up: nothing to do
    assert not res.preview_diff(inputs).has_changes
    refreshed = res.refresh()
    assert refreshed.id == res.id and refreshed.outputs == created_outputs
    assert refreshed.inputs is not None
    assert res.up(inputs) == "same"
    # update in place
    assert res.up({**inputs, **change}) == "update"
    assert all(res.outputs[k] == v for k, v in change.items() if k != "sections")
    assert res.refresh().outputs == res.outputs
    # the identity field replaces (create the new one, then delete the old one)
    old_id = res.id
    assert res.up({**inputs, **change, **identity}) == "replace"
    assert res.id != old_id
    res.destroy()
    if kind == "RoutingRule":  # reset on destroy: the old integration's route went default-only earlier
        live = emu.call("/route/info", {"integration_id": INTEGRATION2})
        assert not live.get("cases") and live["default"]["channel_ids"] == [CH]
    else:
        path = "escalate" if kind == "EscalationRule" else "silence"
        for channel in (CH, CH2):
            assert emu.call(f"/channel/{path}/rule/list", {"channel_id": channel})["items"] == []


def test_big_ids_stay_exact_through_the_engine(proc: ProviderProcess, emu: EmulatorProcess) -> None:
    res = ManagedResource(proc, EscalationRuleProvider(), TOKEN + "EscalationRule", "big")
    res.up(ESC)
    assert res.outputs["layers"][1]["target"]["person_ids"] == ["9007199254740993"]
    live = emu.call("/channel/escalate/rule/info", {"channel_id": CH, "rule_id": res.id})
    assert live["layers"][1]["target"]["person_ids"] == [9007199254740993]
    # a number that large has already been rounded by the engine: refused, with a way out
    bad = res.check({**ESC, "channel_id": 9007199254740993})
    assert [p for p, _ in bad.failures] == ["channel_id"] and "decimal string" in bad.failures[0][1]


def test_preview_with_unknowns(proc: ProviderProcess, emu: EmulatorProcess) -> None:
    res = ManagedResource(proc, EscalationRuleProvider(), TOKEN + "EscalationRule", "u")
    res.up(ESC)
    emu.clear_requests()
    news = {
        **ESC,
        "channel_id": UNKNOWN,
        "priority": UNKNOWN,
        "layers": [{"target": {"person_ids": [1, UNKNOWN], "by": {"follow_preference": True}}}],
    }
    checked = res.check(news)
    assert checked.failures == []
    diff = proc.diff(res.id, res.urn, res.outputs, {**checked.inputs, "__provider": res.serialized})
    assert diff.has_changes and diff.replaces == ["channel_id"]
    # a brand-new resource with unknowns: check only, and it passes
    fresh = ManagedResource(proc, SilenceRuleProvider(), TOKEN + "SilenceRule", "fresh")
    assert fresh.check({**SIL, "channel_id": UNKNOWN, "filters": UNKNOWN}).failures == []
    assert emu.requests() == []  # preview never calls the API


def test_errors_are_clear_and_never_hold_the_app_key(proc: ProviderProcess, emu: EmulatorProcess) -> None:
    res = ManagedResource(proc, EscalationRuleProvider(), TOKEN + "EscalationRule", "err")
    with pytest.raises(ProviderError) as info:
        res.up({**ESC, "channel_id": 1234567})  # no such channel
    assert "escalation rule create failed" in info.value.details
    assert emu.app_key not in info.value.details
    assert emu.app_key not in proc.stderr
    route = ManagedResource(proc, RoutingRuleProvider(), TOKEN + "RoutingRule", "taken")
    emu.call("/route/upsert", {"integration_id": INTEGRATION, "default": {"channel_ids": [CH]}, "version": 0})
    with pytest.raises(ProviderError, match="adopt=True"):
        route.up({**ROUTE, "delete_behavior": "retain"})


def test_retain_warning_reaches_the_engine(proc: ProviderProcess, emu: EmulatorProcess) -> None:
    res = ManagedResource(proc, RoutingRuleProvider(), TOKEN + "RoutingRule", "kept")
    res.up({**ROUTE, "delete_behavior": "retain"})
    res.destroy()
    # stderr is drained by a reader thread, which may not have caught up when destroy returns.
    wanted = f"the routing rule of integration {INTEGRATION} was left in Flashduty"
    wait_for(lambda: wanted in proc.stderr, timeout=10, what=f"{wanted!r} on the provider's stderr")
    assert emu.call("/route/info", {"integration_id": INTEGRATION}) is not None


def test_concurrent_rpcs_share_one_lazily_built_client(proc: ProviderProcess, emu: EmulatorProcess) -> None:
    """The provider server runs up to 4 RPCs at once on one cached provider: 12 creates at once."""
    from concurrent.futures import ThreadPoolExecutor

    resources = [
        ManagedResource(proc, SilenceRuleProvider(), TOKEN + "SilenceRule", f"c{i}") for i in range(12)
    ]
    with ThreadPoolExecutor(max_workers=12) as pool:
        steps = list(
            pool.map(lambda r: r[1].up({**SIL, "rule_name": f"concurrent {r[0]}"}), enumerate(resources))
        )
    assert steps == ["create"] * 12
    listed = emu.call("/channel/silence/rule/list", {"channel_id": CH})["items"]
    assert sorted(item["rule_id"] for item in listed) == sorted(r.id for r in resources)
    with ThreadPoolExecutor(max_workers=12) as pool:
        reads = list(pool.map(lambda r: r.refresh(), resources))
    assert all(read.id for read in reads)
