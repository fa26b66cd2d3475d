"""The app key given through the environment never reaches the engine, so no log level shows it.

(With the key in secret stack config, pulumi itself logs the decrypted config it passes to the
provider's Configure from -v=9 on; test_lifecycle.py pins that down. This is the way around it.)
"""

from __future__ import annotations

from pathlib import Path

from console import PAYMENTS_ID, last_seq, write_counts
from pulumi_cli import Stack

from flashduty_pulumi.emulator.testing import EmulatorProcess


def test_app_key_from_the_environment_stays_out_of_the_most_verbose_logs(
    emu: EmulatorProcess, tmp_path: Path
) -> None:
    stack = Stack.generic(tmp_path, emu.base_url, emu.app_key, key_in_env=True)
    assert "appKey" not in (stack.program / "Pulumi.e2e.yaml").read_text()
    stack.declare(
        {
            "kind": "SilenceRule",
            "name": "quiet",
            "args": {
                "channel_id": {"lookup_channel": "Payments"},  # the program's look-ups use the key too
                "rule_name": "Quiet",
                "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
                "time_filters": [{"start": "01:00", "end": "02:00"}],
            },
        }
    )
    seq = last_seq(emu)
    # The harness fails the command if the key appears anywhere in its output.
    stack.run("up", "--yes", "--skip-preview", "--stack", "e2e", "--logtostderr", "--logflow", "-v=10")
    assert write_counts(emu, seq) == {"/channel/silence/rule/create": 1}
    assert [r["rule_name"] for r in stack_console_rules(emu)] == ["Quiet"]
    stack.run("destroy", "--yes", "--skip-preview", "--stack", "e2e", "-v=10", "--logflow")  # logs to TMPDIR
    stack.assert_no_secret_anywhere()


def stack_console_rules(emu: EmulatorProcess) -> list[dict[str, object]]:
    items: list[dict[str, object]] = emu.call("/channel/silence/rule/list", {"channel_id": PAYMENTS_ID})[
        "items"
    ]
    return items
