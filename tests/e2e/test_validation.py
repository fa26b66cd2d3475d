"""Bad input is stopped by `pulumi preview`, with the field named, before anything reaches the API.

The engine stops a preview at the first resource whose check fails, so each case is its own
preview (on one shared stack: a failed preview creates nothing), and a failed preview costs about 6 s
(the engine waits 5 s for the language host to exit). The provider tier covers the full table of
constraints; these cases prove the path through the engine: a nested field path, a secret input
that must not be echoed, a float ID past 2**53, a route.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console import PAYMENTS_ID, SHARED_INTEGRATION_ID
from pulumi_cli import Stack

from flashduty_pulumi.emulator.testing import EmulatorProcess

TEMPLATE_ID = "000000000000000000000001"
TOKEN = "https://hooks.example/feishu/validation-token-51a2"


def escalation(**args: Any) -> dict[str, Any]:
    base = {
        "channel_id": PAYMENTS_ID,
        "rule_name": "Bad",
        "template_id": TEMPLATE_ID,
        "layers": [{"target": {"emails": ["oncall@example.com"], "by": {"critical": ["email"]}}}],
    }
    return {"kind": "EscalationRule", "name": "bad", "args": {**base, **args}}


CASES = {
    "no recipient": (
        escalation(layers=[{"target": {"by": {"follow_preference": True}}}]),
        "layers[0].target",
    ),
    "a layer limit broken next to a webhook token": (
        escalation(
            layers=[
                {"target": {"emails": ["oncall@example.com"], "by": {"critical": ["email"]}}},
                {
                    "target": {
                        "emails": ["oncall@example.com"],
                        "webhooks": [{"type": "feishu", "settings": {"token": TOKEN, "alias": "ops"}}],
                    },
                    "max_times": 99,
                },
            ]
        ),
        "layers[1].max_times",
    ),
    # A Python int is sent exactly (the resource turns big ints into strings), but a float past
    # 2**53 (JSON, YAML, arithmetic) may already be rounded: refused, not silently used.
    "an ID past 2**53 given as a float": (escalation(channel_id=float(2**53 + 2)), "channel_id"),
    "a route case with no channel": (
        {
            "kind": "RoutingRule",
            "name": "bad",
            "args": {
                "integration_id": str(SHARED_INTEGRATION_ID),
                "cases": [{"if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}]}],
            },
        },
        "cases[0].channel_ids",
    ),
}


@pytest.fixture(scope="module")
def stack(emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield Stack.generic(Path(tmp_path_factory.mktemp("validation")), emulator.base_url, emulator.app_key)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_preview_with_the_field_named_and_writes_nothing(
    case: str, emu: EmulatorProcess, stack: Stack
) -> None:
    resource, field = CASES[case]
    stack.declare(resource)
    result = stack.preview(check=False)
    assert result.returncode != 0, str(result)
    errors = "\n".join(result.diagnostics("error"))
    assert field in errors, f"{field} not named in:\n{errors}"
    assert "Traceback" not in result.output, "a validation error must read as one, not as a crash"
    assert TOKEN not in result.output, "a secret input was echoed in the error"
    # check() is offline: nothing reached the API, let alone a write.
    assert emu.requests() == []
