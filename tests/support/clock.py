"""A fake monotonic clock: code under test reads ``clock()`` and waits with ``clock.sleep``, which
records the wait and moves the clock on at once, so timing logic runs in no real time."""

from __future__ import annotations


class FakeClock:
    def __init__(self, start: float = 100.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
