"""The "Test your routing" examples run as written: the pytest example passes under pytest, the
YAML example passes `flashduty-pulumi test`, and the trace shown is the trace printed."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from flashduty_pulumi.cli import main
from flashduty_pulumi.simulate import Alert, Simulator
from flashduty_pulumi.simulate.loaders import load_program

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"


def section() -> str:
    """The README's "Test your routing" section, up to the next section."""
    return README.read_text().split("\n## Test your routing\n", 1)[1].split("\n## ", 1)[0]


def block(lang: str) -> str:
    found = re.findall(rf"```{lang}\n(.*?)```", section(), re.S)
    assert len(found) == 1, f"expected one {lang} block in the README's 'Test your routing'"
    return str(found[0])


def test_pytest_example_passes(tmp_path: Path) -> None:
    test_file = tmp_path / "test_doc_example.py"
    test_file.write_text(block("python"))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(test_file)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout


def test_yaml_example_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = yaml.safe_load(block("yaml"))
    doc["source"] = {k: str(REPO / v) for k, v in doc["source"].items()}  # paths were from the repo root
    path = tmp_path / "routing-tests.yaml"
    path.write_text(yaml.safe_dump(doc))
    assert main(["test", str(path)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out


def test_trace_shown_is_the_trace_printed() -> None:
    shown = [line for line in block("text").splitlines() if line.strip() != "..."]
    sim = Simulator(
        load_program(REPO / "examples/routing-tests", fixtures=REPO / "examples/routing-tests/fixtures.json")
    )
    alert = Alert(
        integration_id=6022140857131, severity="Critical", title="5xx", labels={"service": "checkout"}
    )
    printed = str(sim.route(alert, at=datetime.fromisoformat("2026-12-06T03:00:00+08:00"))).splitlines()
    assert printed[: len(shown)] == shown
