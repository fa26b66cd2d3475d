"""The README's "Using it in your own program", run exactly as written, against the emulator it
starts: from an empty directory, and from the ``pulumi new`` template (see walkthrough.py).

Each run builds the wheel (``make dist``), installs it into a fresh virtualenv on the Python that
runs this test (so the matrix's runs on 3.10-3.13 each install it there), and ends with
``pulumi preview --expect-no-changes``. The rule is then checked in the emulator itself. The shell
gets a clean environment: no virtualenv on PATH, and a HOME, PULUMI_HOME and TMPDIR of its own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from console import Console
from pulumi_cli import REPO, pulumi_bin_dir
from walkthrough import README_PORT, blocks, script

from flashduty_pulumi.emulator import seed

README = (REPO / "README.md").read_text(encoding="utf-8")
EMULATOR_KEY = "fd-emulator-key"  # the emulator's published default, as the README uses it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def python_dir(tmp: Path) -> Path:
    """A PATH entry whose python3 is the interpreter under this test's virtualenv."""
    exe = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert exe.exists(), exe
    shim = tmp / "python-bin"
    shim.mkdir()
    (shim / "python3").symlink_to(exe)
    return shim


def clean_env(tmp: Path) -> dict[str, str]:
    home = tmp / "home"
    home.mkdir()
    (tmp / "tmp").mkdir()
    path = [str(pulumi_bin_dir()), str(python_dir(tmp)), "/usr/local/bin", "/usr/bin", "/bin"]
    return {
        "PATH": os.pathsep.join(path),
        "HOME": str(home),
        "PULUMI_HOME": str(tmp / "pulumi-home"),  # the CLI finds ~ from the passwd entry, not HOME
        "TMPDIR": str(tmp / "tmp"),
        "LANG": "C.UTF-8",
        "PULUMI_CONFIG_PASSPHRASE": "walkthrough-passphrase",
        "PULUMI_SKIP_UPDATE_CHECK": "1",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        # the machine's pip cache, so the run does not download every dependency again
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def walkthrough(name: str, tmp_path: Path) -> Iterator[tuple[subprocess.CompletedProcess[str], int, Path]]:
    """Run walk-through ``name``; yield its result, the emulator's port and the starting directory
    while the emulator it started still runs; then end that emulator (the script's process group)."""
    start = tmp_path / "work"
    start.mkdir()
    port = free_port()
    (tmp_path / "walkthrough.sh").write_text(script(README, name, repo=REPO, start=start, port=port))
    proc = subprocess.Popen(
        ["bash", str(tmp_path / "walkthrough.sh")],
        cwd=start,
        env=clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, which the background emulator joins
    )
    try:
        out, _ = proc.communicate(timeout=900)
        yield subprocess.CompletedProcess(proc.args, proc.returncode, out, ""), port, start
    finally:
        proc.kill()
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)


def test_the_walkthrough_blocks_cover_every_step() -> None:
    own = "\n".join(b.body for b in blocks(README) if "own" in b.names)
    files = {b.file for b in blocks(README) if "own" in b.names} - {None}
    assert files == {"Pulumi.yaml", "__main__.py"}
    pulumi_yaml = next(b.body for b in blocks(README) if b.file == "Pulumi.yaml")
    assert "virtualenv: venv" in pulumi_yaml
    for step in (
        "make dist",
        "pip install",
        "pulumi stack init",
        "pulumi config set --secret flashduty:appKey",
        "pulumi up",
        "pulumi preview --expect-no-changes",
        f"--port {README_PORT}",
    ):
        assert step in own, step
    template = "\n".join(b.body for b in blocks(README) if "template" in b.names)
    assert 'pulumi new "$FLASHDUTY_PULUMI/templates/flashduty-python"' in template
    assert "not yet published on PyPI" in README


@pytest.mark.parametrize("name", ["own", "template"])
def test_the_readme_walkthrough_works_verbatim(name: str, tmp_path: Path) -> None:
    began = time.monotonic()
    with walkthrough(name, tmp_path) as (result, port, start):
        out = result.stdout
        assert result.returncode == 0, f"walk-through {name!r} failed (exit {result.returncode}):\n{out}"
        print(f"walk-through {name!r}: {time.monotonic() - began:.1f} s")
        assert "+ 2 created" in out, out  # the stack and the rule
        assert out.rstrip().endswith("2 unchanged"), out  # preview --expect-no-changes, last

        # What the console shows: exactly one rule, in Payments, paging SRE in business hours.
        console = Console(f"http://127.0.0.1:{port}", EMULATOR_KEY)
        try:
            rules = console.all_rules()
            payments = console.channel_id("Payments")
            escalations = console.escalation_rules(payments)
        finally:
            console.close()
        assert len(rules) == 1, rules
        [rule] = escalations
        assert rule["rule_name"] == "Business hours"
        [window] = rule["time_filters"]
        assert (window["start"], window["end"], window["repeat"]) == ("09:00", "18:00", [1, 2, 3, 4, 5])
        assert rule["layers"][0]["target"]["team_ids"] == [seed.TEAM_SRE_ID]

    project = start / "payments-oncall"
    assert (project / "venv" / "bin" / "python").exists()
    if name == "template":  # the template's own files were used, with pulumi new's substitutions
        expected = (REPO / "templates" / "flashduty-python" / "__main__.py").read_text()
        assert (project / "__main__.py").read_text() == expected.replace(
            "${DESCRIPTION}", "Payments on-call rules"
        )
        assert "name: payments-oncall\n" in (project / "Pulumi.yaml").read_text()
    # The app key is encrypted in the stack's config and not in the state in plain text.
    stack_config = (project / "Pulumi.dev.yaml").read_text()
    assert "flashduty:appKey:\n    secure:" in stack_config
    assert EMULATOR_KEY not in stack_config
    states = list((project / ".pulumi-state").rglob("dev.json"))
    assert states and all(EMULATOR_KEY not in s.read_text() for s in states)
