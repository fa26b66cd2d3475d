"""`pulumi preview` of a stack that does not exist yet, where inputs depend on other resources.

During such a preview the engine hands check() the unknown-value sentinel for every input computed
from another resource, even for number fields: a provider that validates it as a number fails the
preview of a perfectly good program. Here an escalation rule takes its priority from the route's
(computed) version and a silence rule its description from that rule's (computed) rule_id.
"""

from __future__ import annotations

from collections.abc import Callable

from console import PAYMENTS, PAYMENTS_ID, SHARED_INTEGRATION_ID, Console, last_seq, write_counts
from pulumi_cli import Stack

from flashduty_pulumi.emulator.testing import EmulatorProcess


def test_preview_of_a_new_stack_with_cross_references_then_up(
    emu: EmulatorProcess, console: Console, new_stack: Callable[..., Stack]
) -> None:
    stack = new_stack()
    stack.declare(
        {
            "kind": "RoutingRule",
            "name": "route",
            "args": {
                "integration_id": str(SHARED_INTEGRATION_ID),
                "default": {"channel_ids": [{"lookup_channel": PAYMENTS}]},
            },
        },
        {
            "kind": "EscalationRule",
            "name": "esc",
            "args": {
                "channel_id": {"lookup_channel": PAYMENTS},
                "rule_name": "Follows the route",
                "template_id": "000000000000000000000001",
                "priority": {"ref": "route.version"},  # a number, unknown until the route exists
                "layers": [{"target": {"emails": ["oncall@example.com"], "by": {"critical": ["email"]}}}],
            },
        },
        {
            "kind": "SilenceRule",
            "name": "sil",
            "args": {
                "channel_id": {"lookup_channel": PAYMENTS},
                "rule_name": "Refers to the rule",
                "description": {"ref": "esc.rule_id"},
                "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
                "time_filters": [{"start": "01:00", "end": "02:00"}],
            },
        },
    )
    seq = last_seq(emu)
    preview = stack.preview()
    assert preview.changed() == {"route": ["create"], "esc": ["create"], "sil": ["create"]}, str(preview)
    assert write_counts(emu, seq) == {}

    stack.up()
    outputs = stack.outputs()
    (esc,) = console.escalation_rules(PAYMENTS_ID)
    assert esc["priority"] == 1  # the route's first version
    (sil,) = console.silence_rules(PAYMENTS_ID)
    assert sil["description"] == outputs["esc"]
    stack.preview("--expect-no-changes")
