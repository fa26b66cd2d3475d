"""Every example goes up against the emulator, converges, and destroys cleanly.

Each runs from a copy of its project (so stack config files land in the temp dir, not in the
repository), with its own Pulumi.yaml; the quickstart runs as the root project (`main:`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from console import SHARED_INTEGRATION_ID, Console, last_seq, write_counts
from pulumi_cli import REPO, Stack

from flashduty_pulumi.emulator.testing import EmulatorProcess

# project dir, sample stack config to start from, resources expected by kind
EXAMPLES: dict[str, tuple[Path, str | None, dict[str, int]]] = {
    "quickstart": (REPO, None, {"RoutingRule": 1, "EscalationRule": 2, "SilenceRule": 2}),
    "per-service": (REPO / "examples" / "per-service", None, {"EscalationRule": 4, "SilenceRule": 1}),
    "config-driven/staging": (
        REPO / "examples" / "config-driven",
        "staging",
        {"EscalationRule": 1, "SilenceRule": 1},
    ),
    "config-driven/production": (
        REPO / "examples" / "config-driven",
        "production",
        {"EscalationRule": 1, "SilenceRule": 1},
    ),
}


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_example_goes_up_converges_and_destroys(
    example: str, emu: EmulatorProcess, console: Console, tmp_path: Path
) -> None:
    project, config_from, expected = EXAMPLES[example]
    stack = Stack.from_project(project, tmp_path, emu.base_url, emu.app_key, config_from=config_from)

    result = stack.up()
    kinds: dict[str, int] = {}
    for res in stack.resources():
        kind = res["type"].rsplit(":", 1)[-1]
        if res["type"].startswith("pulumi-python:dynamic/flashduty:"):
            kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == expected, str(result)
    live = console.all_rules()
    state_ids = {r["id"] for r in stack.resources() if r["type"].endswith(("EscalationRule", "SilenceRule"))}
    assert state_ids == set(live), "the account holds exactly the example's rules"

    seq = last_seq(emu)
    stack.preview("--expect-no-changes")
    assert write_counts(emu, seq) == {}

    destroyed = stack.destroy()
    assert console.all_rules() == {}
    if "RoutingRule" in expected:
        # delete_behavior="retain": the route (which the API cannot delete) stays as it was, and
        # destroy says so.
        assert console.route(SHARED_INTEGRATION_ID) is not None
        assert any("delete_behavior" in d for d in destroyed.diagnostics()), str(destroyed)
    stack.assert_no_secret_anywhere()
