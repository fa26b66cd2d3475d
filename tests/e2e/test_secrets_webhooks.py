"""Webhook tokens inside escalation targets, and the app key, never in plain text: not in the state
(and its backups and history), the CLI's output (diffs, errors, outputs, exports), the CLI's and the
plugins' logs, nor in any exception, across a whole life: up, preview --diff, an update, a refresh
after a console edit, a failing update, a failing check, destroy.

One token is written in the program as a plain string (the user did not mark it secret: the
resource does it), one comes from secret stack config. `layers` is a secret output.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from console import PAYMENTS_ID, Console
from faultkit import Matrix
from pulumi_cli import Result, Stack

from flashduty_pulumi.emulator.testing import EmulatorProcess

MATRIX = Matrix("secrets")
LITERAL = "https://open.feishu.example/hook/literal-token-7a1c9e2f"
LITERAL_2 = "https://open.feishu.example/hook/literal-token-rotated-55d0"
FROM_CONFIG = "dingtalk-config-token-3b9f04d1e6"
# The Python SDK's debug log of a program's *stack outputs* prints them serialized, secret values in
# plain text (pulumi/runtime/resource.py, register_resource_outputs). This program exports `layers`,
# so at -v=8 and up those two debug lines show the tokens: Pulumi's own behaviour with any secret
# stack output, not this package's. Nothing else may.
SDK_STACK_OUTPUTS_LOG = re.compile(
    r"(register resource outputs prepared|resource registration successful): "
    r"urn=urn:pulumi:[^ ]*::pulumi:pulumi:Stack::"
)
# From -v=9 the engine traces every property it (un)marshals for an RPC, secret values included
# (the same trace as the Configure line above). The engine's own, documented as such in the README.
ENGINE_RPC_TRACE = re.compile(r"[Mm]arshaling property for RPC\[")
PULUMIS_OWN = (SDK_STACK_OUTPUTS_LOG, ENGINE_RPC_TRACE)

PROGRAM = """\
import pulumi
import flashduty_pulumi as fd

dingtalk = pulumi.Config().require_secret("dingtalk")
rule = fd.EscalationRule(
    "chatops",
    channel_id=fd.lookup_channel("Payments"),
    rule_name="ChatOps",
    template_id="000000000000000000000001",
    layers=[
        {"target": {"emails": ["oncall@example.com"], "by": {"critical": ["email"]}}, "max_times": MAX_TIMES},
        {
            "target": {
                "team_ids": [fd.lookup_team("SRE")],
                "webhooks": [
                    {"type": "feishu", "settings": {"token": "LITERAL", "alias": "ops"}},
                    {"type": "dingtalk", "settings": {"token": dingtalk, "alias": "dba"}},
                ],
            }
        },
    ],
)
pulumi.export("rule_id", rule.id)
pulumi.export("layers", rule.layers)
"""


@pytest.fixture(scope="module", autouse=True)
def print_matrix() -> Iterator[None]:
    yield
    print(MATRIX.render())


class Scanned:
    """Runs commands on the stack and fails on any secret in their output."""

    def __init__(self, stack: Stack, secrets: list[str]) -> None:
        self.stack = stack
        self.secrets = secrets
        self.commands = 0

    def run(self, *args: str, check: bool = True) -> Result:
        json_mode = args[0] in ("up", "preview", "refresh", "destroy")
        result = self.stack.run(*args, "--stack", self.stack.name, check=check, json_mode=json_mode)
        self.commands += 1
        for line in result.output.splitlines():
            if any(p.search(line) for p in PULUMIS_OWN):
                continue
            for secret in self.secrets:
                assert secret not in line, (
                    f"a webhook token leaked into `pulumi {' '.join(args)}`: {line[:300]}"
                )
        return result


def program(max_times: int = 2, token: str = LITERAL) -> str:
    return PROGRAM.replace("MAX_TIMES", str(max_times)).replace("LITERAL", token)


def test_webhook_tokens_and_the_app_key_stay_secret_everywhere(
    emu: EmulatorProcess, console: Console, tmp_path: Path
) -> None:
    started = time.monotonic()
    stack = Stack(tmp_path, emu.base_url, emu.app_key)
    stack.set_config("dingtalk", FROM_CONFIG, secret=True)
    stack.write_program(program())
    tokens = [LITERAL, LITERAL_2, FROM_CONFIG]
    cli = Scanned(stack, tokens)

    # Up, with the engine's and the provider's verbose logs flowing to the CLI and to files.
    cli.run("up", "--yes", "--skip-preview", "--logtostderr", "--logflow", "-v=8")
    (live,) = console.escalation_rules(PAYMENTS_ID)
    hooks = live["layers"][1]["target"]["webhooks"]
    assert [h["settings"]["token"] for h in hooks] == [LITERAL, FROM_CONFIG], "the server got the real tokens"

    # `layers` is a secret output; the export and the state hold ciphertext only.
    shown = json.loads(cli.run("stack", "output", "--json").stdout)
    assert shown["layers"] == "[secret]", shown
    asked = stack.run(
        "stack", "output", "--json", "--show-secrets", "--stack", stack.name
    )  # asked for: shown
    assert LITERAL in json.dumps(json.loads(asked.stdout))
    exported = json.loads(cli.run("stack", "export").stdout)
    chatops = next(r for r in exported["deployment"]["resources"] if r["type"].endswith(":EscalationRule"))
    assert "ciphertext" in json.dumps(chatops["outputs"]["layers"]) and "ciphertext" in json.dumps(
        chatops["inputs"]["layers"]
    )

    # A rotated literal token: the diff shows a change to a secret, never the values.
    stack.write_program(program(token=LITERAL_2))
    diff = cli.run("preview", "--diff")
    assert diff.changed() == {"chatops": ["update"]}, str(diff)
    cli.run("up", "--yes", "--skip-preview", "-v=8", "--logflow")

    # A console edit, read back by refresh (the read path carries the tokens too), reverted by up.
    console.rename_escalation_rule(PAYMENTS_ID, live["rule_id"], "Renamed in the console")
    assert cli.run("refresh", "--yes", "--skip-preview").summary()["update"] == 1
    cli.run("up", "--yes", "--skip-preview")
    cli.run("preview", "--expect-no-changes")

    # Failures that involve the rule: an update refused by the server, a check that fails next to a
    # webhook. The errors name the problem, never the tokens.
    stack.write_program(program(max_times=3, token=LITERAL_2))
    emu.add_fault(path="/channel/escalate/rule/update", status=400, code="InvalidParameter", count=None)
    failed = cli.run("up", "--yes", "--skip-preview", check=False)
    emu.clear_faults()
    assert failed.returncode != 0 and "escalation rule update failed" in "\n".join(
        failed.diagnostics("error")
    )
    stack.write_program(program(max_times=99, token=LITERAL_2))
    refused = cli.run("preview", check=False)
    assert refused.returncode != 0 and "layers[0].max_times" in "\n".join(refused.diagnostics("error"))

    # The most verbose levels, to stderr and to log files: the app key appears nowhere.
    stack.write_program(program(token=LITERAL_2))
    cli.run("preview", "--logtostderr", "--logflow", "-v=9")
    cli.run("destroy", "--yes", "--skip-preview", "--logflow", "-v=9")
    assert console.escalation_rules(PAYMENTS_ID) == []

    leaks = scan_disk(stack, {*tokens})
    assert leaks == [], leaks
    MATRIX.record(
        "webhook tokens (literal and config secret), app key",
        f"absent from state, {cli.commands} commands' output, logs, errors",
        time.monotonic() - started,
    )


def scan_disk(stack: Stack, tokens: set[str]) -> list[str]:
    """Every file the stack's commands wrote: backend (state, backups, history), PULUMI_HOME,
    TMPDIR (the CLI's and the plugins' log files) and the program directory. The program's own
    source holds the literal token by definition, and is left out for it. The app key appears in
    none of them."""
    found: list[str] = []
    roots = [stack.workdir / "backend", stack.workdir / "home", stack.workdir / "tmp", stack.program]
    for root in roots:
        for path in root.rglob("*"):
            if not path.is_file() or path.is_symlink():
                continue
            text = path.read_bytes().decode("utf-8", errors="replace")
            for token in tokens:
                if path.name == "__main__.py" and token in (LITERAL, LITERAL_2):
                    continue
                lines = [line for line in text.splitlines() if token in line]
                if any(not any(p.search(line) for p in PULUMIS_OWN) for line in lines):
                    found.append(f"{token[:20]}... in {path}")
            if stack.app_key in text:
                found.append(f"the app key in {path}")
    return found
