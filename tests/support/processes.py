"""Ending the child processes a test starts.

``stop_process`` (SIGTERM, then SIGKILL after a grace period, then reap) lives in the package's
emulator/testing.py, which needs it too and must not import from tests/; it is re-exported here so
tests have one place to look. ``kill_tree`` is for a process whose own children must die with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

from flashduty_pulumi.emulator.testing import stop_process

__all__ = ["command_line", "descendants", "kill_tree", "stop_process"]


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def command_line(pid: int) -> str:
    """The process's command line, words separated by spaces ("" once it is gone)."""
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    """Every process under ``pid``, children before grandchildren."""
    kids = _children()
    out: list[int] = []
    todo = [pid]
    while todo:
        for child in kids.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and every process under it. The pulumi CLI starts its plugins (language host,
    providers) in process groups of their own, so killing its group alone would orphan them: the
    parent is frozen first (it can start nothing more), then everything under it is killed by PID."""
    try:
        os.kill(pid, signal.SIGSTOP)
    except ProcessLookupError:
        return
    for victim in [*descendants(pid), pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
