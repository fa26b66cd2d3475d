"""Wait for something to become true, up to a deadline, instead of sleeping a fixed time.

A fixed sleep is either too long (every run pays it) or too short (a loaded machine fails). A poll
returns as soon as the condition holds, and when it never does, the failure says what was awaited
and what was last seen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

INTERVAL = 0.05


def wait_for(condition: Callable[[], T], *, timeout: float, what: str, interval: float = INTERVAL) -> T:
    """Call ``condition`` until it returns something truthy, and return that; raise AssertionError
    naming ``what`` (and the last falsy value, when it says more than False) after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            seen = "" if value is False or value is None else f" (last seen: {value!r})"
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}{seen}")
        time.sleep(interval)


def wait_until_steady(
    read: Callable[[], T], *, steady_for: float, timeout: float, what: str, interval: float = INTERVAL
) -> T:
    """Call ``read`` until its value has not changed for ``steady_for`` seconds, and return it: for
    work already under way that announces no end (requests still in flight, a log still growing)."""
    deadline = time.monotonic() + timeout
    value = read()
    since = time.monotonic()
    while time.monotonic() - since < steady_for:
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout:g} s waiting for {what} to settle (last seen: {value!r})"
            )
        time.sleep(interval)
        current = read()
        if current != value:
            value, since = current, time.monotonic()
    return value
