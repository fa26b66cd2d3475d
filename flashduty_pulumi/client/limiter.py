"""A client-side rate limiter keeping one process under the API's limits (50/s and 1,000/min).

The server counts a request when it *arrives*, which is some time between our sending it and our
receiving the answer. So a request occupies every window from the moment it is admitted until
one window length after its answer came back; while it is in flight it counts everywhere. A new
request is admitted only if fewer than ``limit`` requests occupy the window. That guarantees the
server never sees more than ``limit`` arrivals in any window, whatever the latency (a plain
client-side sliding window does not: a slow first burst arrives late and overlaps the next one).

The client uses it as ``LimiterTransport``, a layer that holds a slot from sending a request until
its whole answer is read; elsewhere ``with limiter.slot(): send()``. Thread-safe; one limiter is
shared by every client in the process (``process_limiter()``). ``clock``/``sleep`` are
injectable for tests. Environment: ``FLASHDUTY_RATE_LIMIT_PER_SECOND`` /
``FLASHDUTY_RATE_LIMIT_PER_MINUTE`` (0 disables that window).
"""

from __future__ import annotations

import heapq
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import httpx

from .config import env_int
from .errors import RateLimited

DEFAULT_PER_SECOND = 50
DEFAULT_PER_MINUTE = 1000
ENV_PER_SECOND = "FLASHDUTY_RATE_LIMIT_PER_SECOND"
ENV_PER_MINUTE = "FLASHDUTY_RATE_LIMIT_PER_MINUTE"
# While every slot is held by a request in flight, re-check at least this often.
_POLL = 0.05
# Added to every window so that float rounding never lets a request in on the boundary.
_EPSILON = 0.001


class _Window:
    def __init__(self, length: float, limit: int) -> None:
        self.length = length + _EPSILON
        self.limit = limit
        self.done: list[float] = []  # min-heap of completion times still inside the window

    def delay(self, now: float, in_flight: int) -> float:
        """0 if one more request fits now, else seconds until one might (inf: wait for a release)."""
        while self.done and self.done[0] <= now - self.length:
            heapq.heappop(self.done)
        if in_flight + len(self.done) < self.limit:
            return 0.0
        if not self.done:
            return float("inf")
        # The oldest completions leave first; enough of them must leave to make one free place.
        excess = in_flight + len(self.done) - self.limit  # >= 0
        if excess >= len(self.done):
            return float("inf")
        leaving = heapq.nsmallest(excess + 1, self.done)[-1]
        return max(0.0, leaving + self.length - now)


class RateLimiter:
    """Admit at most ``per_second`` requests per second and ``per_minute`` per minute."""

    def __init__(
        self,
        per_second: int = DEFAULT_PER_SECOND,
        per_minute: int = DEFAULT_PER_MINUTE,
        *,
        windows: Sequence[tuple[float, int]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_second = per_second
        self.per_minute = per_minute
        spec = windows if windows is not None else ((1.0, per_second), (60.0, per_minute))
        self._windows = [_Window(length, limit) for length, limit in spec if limit > 0]
        self._longest = max((w.length for w in self._windows), default=0.0)
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()
        self._in_flight = 0
        self._paused_until = float("-inf")

    def __repr__(self) -> str:
        return f"RateLimiter(per_second={self.per_second}, per_minute={self.per_minute})"

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def pause(self, seconds: float) -> None:
        """Admit nothing for ``seconds`` (the server answered 429 with Retry-After: the account is over
        its limit, so every request of the process waits, instead of each finding out by itself).
        A pause longer than the longest window is ignored: by then every window has emptied, so such
        a Retry-After is not about pacing."""
        if not self._windows or seconds > self._longest:  # a disabled limiter paces nothing
            return
        with self._cond:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def acquire(self) -> float:
        """Block until a request may be sent; returns the seconds waited. Pair with ``release()``."""
        if not self._windows:
            return 0.0
        started = self._clock()
        while True:
            with self._cond:
                paused = self._paused_until - self._clock()
            if paused > 0:
                self._sleep(paused)
                continue
            with self._cond:
                delay = max(w.delay(self._clock(), self._in_flight) for w in self._windows)
                if delay <= 0:
                    self._in_flight += 1
                    return self._clock() - started
                if delay == float("inf"):
                    self._cond.wait(_POLL)  # a release will notify
                    continue
            self._sleep(delay)

    def release(self) -> None:
        """The answer to an acquired request arrived (or the request failed)."""
        if not self._windows:
            return
        with self._cond:
            now = self._clock()
            self._in_flight -= 1
            for w in self._windows:
                heapq.heappush(w.done, now)
            self._cond.notify_all()

    @contextmanager
    def slot(self) -> Iterator[float]:
        waited = self.acquire()
        try:
            yield waited
        finally:
            self.release()


class LimiterTransport(httpx.BaseTransport):
    """The layer that paces requests: a slot from sending until the answer is read, and a pause of
    the whole process when the server answers 429 with Retry-After. ``limiter`` None: the
    process's, looked up per request (so ``set_process_limiter`` reaches clients built before)."""

    def __init__(self, inner: httpx.BaseTransport, limiter: RateLimiter | None = None) -> None:
        self._inner = inner
        self._limiter = limiter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        limiter = self._limiter if self._limiter is not None else process_limiter()
        with limiter.slot():
            try:
                response = self._inner.handle_request(request)
                response.read()
                return response
            except RateLimited as err:
                if err.retry_after:
                    limiter.pause(err.retry_after)
                raise


def limiter_from_env(environ: Mapping[str, str] | None = None) -> RateLimiter:
    env = os.environ if environ is None else environ
    return RateLimiter(
        env_int(env, ENV_PER_SECOND, DEFAULT_PER_SECOND), env_int(env, ENV_PER_MINUTE, DEFAULT_PER_MINUTE)
    )


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
