"""Sliding-window rate limiter: per key, N requests per second and M per minute.

The spec states 50/s and 1,000/min per account for every emulated path (x-mint). A request is
counted only when admitted, so a client that keeps hammering while limited is not punished further;
the answer says how long until the oldest counted request leaves the full window.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(self, per_second: int, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_second = per_second
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()

    def admit(self, key: str) -> int | None:
        """None if the request may proceed (and is counted), else the seconds to wait (>= 1)."""
        with self._lock:
            at = self._clock()
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= at - 60.0:
                hits.popleft()
            wait = 0.0
            if len(hits) >= self.per_minute:
                wait = hits[-self.per_minute] + 60.0 - at
            # hits are in time order: the n-th newest tells whether n fell within the last second
            if len(hits) >= self.per_second and hits[-self.per_second] > at - 1.0:
                wait = max(wait, hits[-self.per_second] + 1.0 - at)
            if wait > 0:
                return max(1, math.ceil(wait))
            hits.append(at)
            return None
