"""Preview through the real CLI: a bad input that involves a secret is refused without the secret's
text anywhere in the output, and a value not known yet switches off only its own leaf's checks
(the layer structure stays visible in the plan)."""

from __future__ import annotations

from typing import Any

from console import PAYMENTS_ID, last_seq
from pulumi_cli import Result, Stack

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

TOKEN = "hook-token-5f0c1e9a7b3d"
LONG_SECRET_NAME = "secret-rule-name-" + "x" * 40


def escalation(name: str, **args: Any) -> dict[str, Any]:
    return {
        "kind": "EscalationRule",
        "name": name,
        "args": {
            "channel_id": PAYMENTS_ID,
            "rule_name": name,
            "template_id": seed.CUSTOM_TEMPLATE_ID,
            "layers": [{"target": {"person_ids": [seed.BOB_ID], "by": {"follow_preference": True}}}],
            **args,
        },
    }


def refused(stack: Stack, *resources: dict[str, Any]) -> str:
    stack.declare(*resources)
    result = stack.preview(check=False)
    assert result.returncode != 0, str(result)
    for secret in (TOKEN, LONG_SECRET_NAME):
        assert secret not in result.output, f"a secret leaked into the preview's output:\n{result}"
    return "\n".join(result.diagnostics("error"))


def planned_layers(result: Result, name: str) -> Any:
    (step,) = [s for doc in result.events for s in doc.get("steps", []) if s["urn"].endswith(f"::{name}")]
    return step["newState"]["inputs"]["layers"]


def test_secret_bad_inputs_and_unknown_leaves_at_preview(emu: EmulatorProcess, new_stack: Any) -> None:
    stack: Stack = new_stack()
    stack.set_config("hook", TOKEN, secret=True)
    stack.set_config("name", LONG_SECRET_NAME, secret=True)
    hook = {"type": "feishu", "settings": {"token": {"config_secret": "hook"}, "alias": "bots"}}
    seq = last_seq(emu)

    # a layer without its brackets, holding a secret webhook token
    bare = {"target": {"team_ids": [seed.TEAM_SRE_ID], "webhooks": [hook]}}
    said = refused(stack, escalation("bare", layers=bare))
    assert "layers must be a list, got one object: wrap it in [ ... ]" in said, said

    # a secret rule_name that is too long
    said = refused(stack, escalation("long", rule_name={"config_secret": "name"}))
    assert "rule_name must have at most 39 characters" in said, said

    # person_ids not known at preview (another resource's output): notify_step is still checked
    later = {"target": {"person_ids": [{"ref": "first.created_at"}], "webhooks": [hook]}, "notify_step": 999}
    said = refused(stack, escalation("first"), escalation("second", layers=[later]))
    assert "layers[0].notify_step must be less than or equal to 120 (got 999)" in said, said

    # with a valid step the plan shows the layer's structure, the unknown only where it is (layers
    # holding webhooks show as [secret]: the engine marks the whole input once part of it is secret)
    plain = {"target": {"person_ids": [{"ref": "first.created_at"}], "by": {"follow_preference": True}}}
    stack.declare(escalation("first"), escalation("second", layers=[{**plain, "notify_step": 5}]))
    plan = stack.preview()
    layers = planned_layers(plan, "second")
    assert isinstance(layers, list) and len(layers) == 1, layers
    assert layers[0]["notify_step"] == 5, layers
    assert layers[0]["target"]["person_ids"] == ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"], layers  # unknown
    later["notify_step"] = 5
    stack.declare(escalation("first"), escalation("second", layers=[later]))
    hooked = stack.preview()
    assert TOKEN not in hooked.output and planned_layers(hooked, "second") == "[secret]"
    assert [e for e in emu.requests(seq) if e["write"]] == []
