"""Load the rules a Pulumi program declares, without touching the API: the program runs under
Pulumi's own unit-test mocks (``pulumi.runtime.set_mocks``) in a child Python process (the
runtime's state is global), and each declared rule goes through its provider's own ``check``, so
the simulator sees exactly what ``pulumi up`` would send.

Look-ups (``fd.lookup_channel`` ...) are answered from a fixtures file (a snapshot holding the
channels, members, teams and templates) or, without one, by the API at FLASHDUTY_BASE_URL (the
emulator, say): read calls only. Names for IDs come from the same place.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from ..config import Config
from ..snapshot import SnapshotError, load_snapshot

__all__ = ["ProgramError", "load_program"]

# A program that hangs (waiting on an unknown, say) must not hang the tool.
TIMEOUT_SECONDS = 120.0


class ProgramError(RuntimeError):
    """The program failed under the mocks, or declared a rule its provider refuses."""


def load_program(
    path: str | Path,
    *,
    fixtures: str | Path | None = None,
    config: dict[str, Any] | None = None,
    project: str | None = None,
    stack: str = "simulate",
    timezone: str | None = None,
) -> Config:
    """The configuration the program at ``path`` (a directory with ``__main__.py``, or a file)
    declares. ``config``: stack config as ``{"key": value}`` (the project's namespace) or
    ``{"ns:key": value}``."""
    program = Path(path)
    main = program / "__main__.py" if program.is_dir() else program
    if not main.is_file():
        raise ProgramError(f"no Pulumi program at {program} (expected {main})")
    request = {
        "main": str(main.resolve()),
        "project": project or _project_name(main.parent),
        "stack": stack,
        "config": config or {},
        "fixtures": str(Path(fixtures).resolve()) if fixtures else None,
    }
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(main.parent.resolve()), *sys.path])}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "flashduty_pulumi.simulate.loaders.mockrun"],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            env=env,
            cwd=main.parent,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ProgramError(f"the program at {program} did not finish within {TIMEOUT_SECONDS:g} s") from None
    if proc.returncode != 0:
        raise ProgramError(f"the program at {program} failed under mocks: {_failure(proc)}")
    try:
        cfg = load_snapshot(json.loads(proc.stdout))
    except (json.JSONDecodeError, SnapshotError) as exc:
        raise ProgramError(f"the program at {program} printed output the loader cannot read: {exc}") from None
    if timezone:
        cfg.timezone = timezone
    return cfg


def _failure(proc: subprocess.CompletedProcess[str]) -> str:
    """What the child reported: its JSON error line on stdout, else the last line of its stderr."""
    lines = proc.stdout.strip().splitlines()
    try:
        reported = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        reported = None
    error = reported.get("error") if isinstance(reported, dict) else None
    if isinstance(error, str):
        return error
    detail = proc.stderr.strip().splitlines()
    return detail[-1] if detail else f"exit code {proc.returncode}"


def _project_name(directory: Path) -> str:
    pulumi_yaml = directory / "Pulumi.yaml"
    if pulumi_yaml.is_file():
        for line in pulumi_yaml.read_text(encoding="utf-8").splitlines():
            if line.startswith("name:"):
                return line.split(":", 1)[1].strip().strip("'\"")
    return directory.name
