"""The routing tests end to end: the example's routing-tests.yaml passes against the program under
mocks (no API), and, after a real `pulumi up` of that program into the emulator, against the live
source, with the same answer for every test. Preview shows the per-resource lint as warnings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from console import SHARED_INTEGRATION_ID, Console
from pulumi_cli import REPO, Stack

from flashduty_pulumi.emulator.testing import EmulatorProcess
from flashduty_pulumi.simulate import Simulator
from flashduty_pulumi.simulate.source import load_source
from flashduty_pulumi.simulate.testfile import parse_test_file, run_cases

EXAMPLE = REPO / "examples" / "routing-tests"
CLI = [sys.executable, "-m", "flashduty_pulumi.cli"]


def _answers(doc: dict[str, Any], base: Path) -> list[tuple[Any, ...]]:
    """What each test's alert gets: channels, silenced, and per channel rule and first notified."""
    tests = parse_test_file(doc, base)
    config = load_source(tests.source, base, integrations=[SHARED_INTEGRATION_ID], timezone=tests.timezone)
    results = run_cases(tests, config)
    assert all(r.ok for r in results), "\n".join(f"{r.case.name}: {r.failures}\n{r.trace}" for r in results)
    sim = Simulator(config)
    out = []
    for case in tests.cases:
        t = sim.route(case.alert, case.at)
        per_channel = tuple(
            (
                o.channel_name,
                o.escalation.rule_name if o.escalation else None,
                tuple(t.first_notified(o.channel_name)),
            )
            for o in t.outcomes
        )
        out.append((case.name, tuple(t.channels), t.silenced, per_channel))
    return out


def _cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_yaml_runner_gives_the_same_answers_from_program_and_live(
    emu: EmulatorProcess, console: Console, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHDUTY_")}
    # 1. Offline: the program under mocks, look-ups from fixtures.json.
    offline = _cli(["test", "routing-tests.yaml", "--junit", str(tmp_path / "mock.xml")], env, EXAMPLE)
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert "5 passed, 0 failed" in offline.stdout
    assert emu.writes() == []  # nothing reached the API

    # 2. The same program really goes up into the emulator.
    stack = Stack.from_project(EXAMPLE, tmp_path / "stack", emu.base_url, emu.app_key)
    stack.up()
    assert console.route(SHARED_INTEGRATION_ID) is not None
    assert len(console.all_rules()) == 4

    # 3. The same tests against the live account.
    doc = yaml.safe_load((EXAMPLE / "routing-tests.yaml").read_text())
    live_doc = {**doc, "source": {"live": True}}
    live_file = tmp_path / "live-tests.yaml"
    live_file.write_text(yaml.safe_dump(live_doc))
    live_env = {**env, "FLASHDUTY_BASE_URL": emu.base_url, "FLASHDUTY_APP_KEY": emu.app_key}
    emu.clear_requests()
    live = _cli(["test", str(live_file)], live_env, tmp_path)
    assert live.returncode == 0, live.stdout + live.stderr
    assert "5 passed, 0 failed" in live.stdout
    assert emu.requests() != [] and emu.writes() == []  # read, never written
    assert emu.app_key not in live.stdout + live.stderr

    # Same answers, test by test, from both sources.
    # The program's look-ups can also be answered by the API (read-only) instead of fixtures.
    emu.clear_requests()
    os.environ["FLASHDUTY_BASE_URL"], os.environ["FLASHDUTY_APP_KEY"] = emu.base_url, emu.app_key
    try:
        from_live = _answers(live_doc, tmp_path)
        from_program_api = _answers({**doc, "source": {"program": "."}}, EXAMPLE)
    finally:
        del os.environ["FLASHDUTY_BASE_URL"], os.environ["FLASHDUTY_APP_KEY"]
    assert emu.writes() == []
    assert _answers(doc, EXAMPLE) == from_live == from_program_api

    # 4. A changed expectation fails with exit 1 against the live source too.
    live_doc["tests"][0]["expect"]["escalation"]["Checkout"]["rule"] = "Business hours"
    live_file.write_text(yaml.safe_dump(live_doc))
    failed = _cli(["test", str(live_file)], live_env, tmp_path)
    assert failed.returncode == 1
    assert "escalation.Checkout.rule: expected 'Business hours', got 'Out of hours'" in failed.stdout
    stack.destroy()


def test_unreachable_live_source_exits_2(tmp_path: Path) -> None:
    doc = yaml.safe_load((EXAMPLE / "routing-tests.yaml").read_text())
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump({**doc, "source": {"live": True}}))
    env = {**os.environ, "FLASHDUTY_BASE_URL": "http://127.0.0.1:9", "FLASHDUTY_APP_KEY": "k" * 32}
    env["FLASHDUTY_MAX_RETRIES"] = "0"
    got = _cli(["test", str(path)], env, tmp_path)
    assert got.returncode == 2, got.stdout + got.stderr
    assert "error:" in got.stderr and "k" * 32 not in got.stderr


def test_preview_shows_lint_warnings_and_can_refuse(
    emu: EmulatorProcess, new_stack: Any, console: Console
) -> None:
    stack = new_stack()
    stack.declare(
        {
            "kind": "RoutingRule",
            "name": "lowercase",
            "args": {
                "integration_id": str(SHARED_INTEGRATION_ID),
                "cases": [
                    {
                        "if": [{"key": "severity", "oper": "IN", "vals": ["critical"]}],
                        "channel_ids": [{"lookup_channel": "Checkout"}],
                    }
                ],
            },
        }
    )
    preview = stack.preview()
    # The provider's stderr: the CLI shows it (as info#err) under the resource.
    warnings = " ".join(preview.diagnostics("info#err"))
    assert "warning: lint: route" in warnings
    assert "severity 'critical' is not Critical, Warning or Info (did you mean 'Critical'?)" in warnings
    assert "[no-default]" in warnings
    strict = Stack(
        stack.workdir / "strict",
        emu.base_url,
        emu.app_key,
        extra_env={"FLASHDUTY_LINT": "error"},
        name="strict",
    )
    shutil.copy(stack.program / "__main__.py", strict.program / "__main__.py")
    shutil.copy(stack.program / "rules.json", strict.program / "rules.json")
    refused = strict.up(check=False)
    assert refused.returncode != 0
    assert "FLASHDUTY_LINT=error" in str(refused)
    assert console.route(SHARED_INTEGRATION_ID) is None  # nothing written
