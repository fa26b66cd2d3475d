"""The process-wide limiter: the server never sees more than 50 arrivals in any second or 1,000 in
any minute, whatever the latency, and the limiter is not needlessly slow."""

from __future__ import annotations

import threading
import time

import pytest
from support.clock import FakeClock

from flashduty_pulumi.client import RateLimiter, process_limiter, set_process_limiter
from flashduty_pulumi.client.errors import ConfigurationError
from flashduty_pulumi.client.limiter import limiter_from_env

pytestmark = pytest.mark.unit


def worst_case_arrivals(intervals: list[tuple[float, float]], window: float) -> int:
    """Most requests whose arrival (anywhere in [sent, answered]) can fall in one window.

    For a window ending at x, request i can arrive inside (x - window, x] iff sent_i <= x and
    answered_i > x - window. Checking every answered time as x covers the worst case.
    """
    best = 0
    for _, x in intervals:
        best = max(best, sum(1 for s, c in intervals if s <= x and c > x - window))
    return best


def test_sequential_requests_with_a_fake_clock() -> None:
    clock = FakeClock(0.0)
    limiter = RateLimiter(50, 1000, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(2100):
        with limiter.slot():
            starts.append(clock.now)
            clock.now += 0.001  # 1 ms latency
    assert worst_case_arrivals([(s, s + 0.001) for s in starts], 1.0) <= 50
    assert worst_case_arrivals([(s, s + 0.001) for s in starts], 60.0) <= 1000
    # Not needlessly slow: 50 per ~1 s until the minute budget is spent, then the next minute.
    assert starts[49] < 0.1 and 1.0 < starts[50] < 1.1
    assert starts[999] < 21.0
    assert 60.0 < starts[1000] < 61.5
    assert starts[1999] < 82.0


def test_latency_is_accounted_for() -> None:
    # A slow answer keeps its slot busy until one window after it arrived.
    clock = FakeClock(0.0)
    limiter = RateLimiter(2, 0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    limiter.acquire()
    clock.now = 0.5
    limiter.release()  # answered at 0.5
    limiter.release()
    assert limiter.acquire() == pytest.approx(1.0, abs=0.002)  # waits until 1.5 = 0.5 + 1 s
    assert clock.now == pytest.approx(1.5, abs=0.002)


def test_threads_with_real_time_and_latency_never_exceed_the_window() -> None:
    window, limit = 0.2, 5
    limiter = RateLimiter(windows=[(window, limit)])
    intervals: list[tuple[float, float]] = []
    lock = threading.Lock()

    def worker(latency: float) -> None:
        for _ in range(8):
            with limiter.slot():
                sent = time.monotonic()
                time.sleep(latency)
                answered = time.monotonic()
            with lock:
                intervals.append((sent, answered))

    threads = [threading.Thread(target=worker, args=(lat,)) for lat in (0.0, 0.01, 0.03, 0.06)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(intervals) == 32 and limiter.in_flight == 0
    assert worst_case_arrivals(intervals, window) <= limit
    # 32 requests at 5 per 0.2 s need at least 6 full windows.
    assert max(c for _, c in intervals) - min(s for s, _ in intervals) >= 6 * window


def test_zero_disables() -> None:
    clock = FakeClock(0.0)
    limiter = RateLimiter(0, 0, clock=clock, sleep=clock.sleep)
    for _ in range(5000):
        with limiter.slot():
            pass
    assert clock.sleeps == []


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
