"""A 429 with Retry-After pauses the whole process's limiter, not only the request that got it."""

from __future__ import annotations

import pytest
from support.clock import FakeClock

from flashduty_pulumi.client.limiter import RateLimiter

pytestmark = pytest.mark.unit


def test_a_pause_holds_every_acquire_until_it_ends() -> None:
    clock = FakeClock()
    limiter = RateLimiter(50, 1000, clock=clock, sleep=clock.sleep)
    limiter.pause(2.0)
    limiter.pause(1.0)  # a shorter pause never shortens the current one
    assert limiter.acquire() == pytest.approx(2.0)
    limiter.release()
    assert limiter.acquire() == 0.0  # over: no more waiting
    limiter.release()


def test_a_disabled_limiter_never_pauses() -> None:
    clock = FakeClock()
    limiter = RateLimiter(0, 0, clock=clock, sleep=clock.sleep)
    limiter.pause(5.0)
    assert limiter.acquire() == 0.0 and clock.sleeps == []
