"""The process-wide limiter: never more than 50 starts in any second or 1,000 in any minute."""

from __future__ import annotations

import bisect
import threading

import pytest

from flashduty_pulumi.client import RateLimiter, process_limiter, set_process_limiter
from flashduty_pulumi.client.errors import ConfigurationError
from flashduty_pulumi.client.limiter import limiter_from_env

pytestmark = pytest.mark.unit


def max_in_window(starts: list[float], window: float) -> int:
    """The most starts in any half-open window (t - window, t]."""
    starts = sorted(starts)
    best = 0
    for i, t in enumerate(starts):
        first = bisect.bisect_right(starts, t - window)
        best = max(best, i + 1 - first)
    return best


class FrozenClock:
    """Time stands still unless the test moves it; sleeps are recorded, not slept."""

    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.slept += seconds


def test_threads_never_exceed_either_window() -> None:
    clock = FrozenClock()
    limiter = RateLimiter(50, 1000, clock=clock, sleep=clock.sleep)
    starts: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(600):
            t = limiter.reserve()
            with lock:
                starts.append(t)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(starts) == 2400
    assert max_in_window(starts, 1.0) == 50
    assert max_in_window(starts, 60.0) == 1000
    # ... and not needlessly slow: the first 1,000 fit in 20 s (50/s), the next 1,000 start after 60 s.
    ordered = sorted(starts)
    assert ordered[999] < 20.0
    assert 60.0 <= ordered[1000] < 61.0
    assert ordered[1999] < 80.0


def test_acquire_sleeps_until_the_window_has_room() -> None:
    clock = FrozenClock()
    limiter = RateLimiter(2, 0, clock=clock, sleep=clock.sleep)
    assert limiter.acquire() == 0.0
    assert limiter.acquire() == 0.0
    assert limiter.acquire() == pytest.approx(1.0)
    clock.now = 5.0
    assert limiter.acquire() == 0.0


def test_real_threads_with_real_sleep_stay_within_a_small_limit() -> None:
    limiter = RateLimiter(20, 0)
    starts: list[float] = []
    lock = threading.Lock()
    import time

    def worker() -> None:
        for _ in range(10):
            limiter.acquire()
            with lock:
                starts.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    # 40 starts at 20/s need at least one full second; allow scheduler slack in the count check.
    assert max(starts) - min(starts) >= 0.99
    assert max_in_window(starts, 0.95) <= 20


def test_zero_disables_a_window() -> None:
    clock = FrozenClock()
    limiter = RateLimiter(0, 0, clock=clock, sleep=clock.sleep)
    assert {limiter.reserve() for _ in range(5000)} == {0.0}


def test_env_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    lim = limiter_from_env(
        {"FLASHDUTY_RATE_LIMIT_PER_SECOND": "10", "FLASHDUTY_RATE_LIMIT_PER_MINUTE": "100"}
    )
    assert (lim.per_second, lim.per_minute) == (10, 100)
    assert (limiter_from_env({}).per_second, limiter_from_env({}).per_minute) == (50, 1000)
    with pytest.raises(ConfigurationError):
        limiter_from_env({"FLASHDUTY_RATE_LIMIT_PER_SECOND": "fast"})
    set_process_limiter(None)
    monkeypatch.setenv("FLASHDUTY_RATE_LIMIT_PER_SECOND", "7")
    try:
        assert process_limiter() is process_limiter()
        assert process_limiter().per_second == 7
    finally:
        set_process_limiter(None)
