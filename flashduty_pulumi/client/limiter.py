"""A client-side rate limiter keeping one process under the API's limits (50/s and 1,000/min).

A sliding-window log per window: a request may start at ``t`` only if fewer than ``limit``
requests started in ``(t - window, t]``. Unlike a token bucket, this holds over *every* window,
so a burst of 1,000 followed by a steady stream still never exceeds 1,000 in any minute.

Callers reserve a start time under a lock and sleep outside it, so waiting threads queue in
order. One limiter is shared by every client in the process (``process_limiter()``).
Environment: ``FLASHDUTY_RATE_LIMIT_PER_SECOND`` / ``FLASHDUTY_RATE_LIMIT_PER_MINUTE`` (0 disables
that window).
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

from .errors import ConfigurationError

DEFAULT_PER_SECOND = 50
DEFAULT_PER_MINUTE = 1000
ENV_PER_SECOND = "FLASHDUTY_RATE_LIMIT_PER_SECOND"
ENV_PER_MINUTE = "FLASHDUTY_RATE_LIMIT_PER_MINUTE"


class _Window:
    def __init__(self, length: float, limit: int) -> None:
        self.length = length
        self.limit = limit
        self.starts: deque[float] = deque(maxlen=limit)

    def earliest(self, t: float) -> float:
        """The earliest time >= t at which one more request fits in this window."""
        if len(self.starts) < self.limit:
            return t
        # starts is full and sorted: the oldest of the last ``limit`` must leave the window.
        return max(t, self.starts[0] + self.length)


class RateLimiter:
    """Thread-safe; ``clock`` and ``sleep`` are injectable for tests."""

    def __init__(
        self,
        per_second: int = DEFAULT_PER_SECOND,
        per_minute: int = DEFAULT_PER_MINUTE,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_second = per_second
        self.per_minute = per_minute
        self._windows = [_Window(length, limit) for length, limit in ((1.0, per_second), (60.0, per_minute))
                         if limit > 0]
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last = float("-inf")

    def __repr__(self) -> str:
        return f"RateLimiter(per_second={self.per_second}, per_minute={self.per_minute})"

    def reserve(self) -> float:
        """Book the next start time (never earlier than a previous booking) and return it."""
        with self._lock:
            t = max(self._clock(), self._last)
            # Each window can only push t later; repeat until every window agrees.
            while True:
                later = max(w.earliest(t) for w in self._windows) if self._windows else t
                if later <= t:
                    break
                t = later
            for w in self._windows:
                w.starts.append(t)
            self._last = t
            return t

    def acquire(self) -> float:
        """Wait until a request may start; returns the seconds waited."""
        start = self.reserve()
        wait = start - self._clock()
        if wait > 0:
            self._sleep(wait)
            return wait
        return 0.0


def limiter_from_env(environ: Mapping[str, str] | None = None) -> RateLimiter:
    env = os.environ if environ is None else environ
    return RateLimiter(
        _limit(env, ENV_PER_SECOND, DEFAULT_PER_SECOND), _limit(env, ENV_PER_MINUTE, DEFAULT_PER_MINUTE)
    )


def _limit(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None
    if value < 0:
        raise ConfigurationError(f"{name} must not be negative, got {raw!r}")
    return value


_process_lock = threading.Lock()
_process_limiter: RateLimiter | None = None


def process_limiter() -> RateLimiter:
    """The limiter shared by every client in this process (built on first use from the environment)."""
    global _process_limiter
    with _process_lock:
        if _process_limiter is None:
            _process_limiter = limiter_from_env()
        return _process_limiter


def set_process_limiter(limiter: RateLimiter | None) -> None:
    """Replace (or, with None, reset) the process-wide limiter; for tests and tuning."""
    global _process_limiter
    with _process_lock:
        _process_limiter = limiter
