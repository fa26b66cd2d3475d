"""Python ints of 2**53 or more reach the engine as decimal strings, so IDs stay exact end to end
(the engine's numbers are float64: 2**53 + 1 would arrive as 2**53). Secrets stay secret."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret

import flashduty_pulumi as fd
from flashduty_pulumi.resources.input_values import exact_ids

pytestmark = pytest.mark.unit

DANA = 2**53 + 1
CH = 5201314520131
PRESET = "000000000000000000000001"


def test_plain_values_are_walked_and_small_numbers_left_alone() -> None:
    given = {"a": [DANA, 3, True, 1.5, "x", None], (2**60): {"k": (2**63 - 1,)}, 7: -DANA}
    assert exact_ids(given) == {
        "a": [str(DANA), 3, True, 1.5, "x", None],
        str(2**60): {"k": [str(2**63 - 1)]},
        7: str(-DANA),
    }
    # A float may already be rounded: it is left for check to refuse.
    assert exact_ids(float(DANA)) == float(DANA)


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.inputs: dict[str, Any] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.inputs[args.name] = args.inputs
        return f"{args.name}-id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pulumi.runtime.test
def test_resources_send_big_ids_as_strings_through_outputs_and_secrets() -> Any:
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, preview=False)
    hook = {"type": "feishu", "settings": {"token": "t0k3n", "alias": "ops"}}
    esc = fd.EscalationRule(
        "e",
        channel_id=pulumi.Output.from_input(CH),
        rule_name="Dana",
        template_id=PRESET,
        layers=[
            {"target": {"person_ids": [pulumi.Output.from_input(DANA)], "by": {"follow_preference": True}}},
            pulumi.Output.secret({"target": {"team_ids": [DANA + 2], "webhooks": [hook]}}),
        ],
    )
    sil = fd.SilenceRule(
        "s",
        channel_id=str(CH),
        rule_name="q",
        filters=[[{"key": "k", "oper": "IN", "vals": ["v"]}]],
        time_filters=[{"start": "01:00", "end": "02:00"}],
    )
    route = fd.RoutingRule("r", integration_id=2**62, default={"channel_ids": [CH, DANA]})

    def check(_: Any) -> None:
        layers = recorder.inputs["e"]["layers"]
        assert is_rpc_secret(layers), "a webhook layer inside a secret Output keeps layers secret"
        layers = unwrap_rpc_secret(layers)
        assert layers[0]["target"]["person_ids"] == [str(DANA)]
        assert layers[1]["target"]["team_ids"] == [str(DANA + 2)]
        assert recorder.inputs["e"]["channel_id"] == CH
        assert recorder.inputs["s"]["channel_id"] == str(CH)
        assert recorder.inputs["r"]["integration_id"] == str(2**62)
        assert recorder.inputs["r"]["default"] == {"channel_ids": [CH, str(DANA)]}

    return pulumi.Output.all(esc.id, sil.id, route.id).apply(check)
