"""When to retry and how long to wait: exponential backoff with full jitter, capped, with a deadline.

What is retried:
- rate limits (429 / ``RequestTooFrequently``): always, waiting what ``Retry-After`` says (up to one
  per-minute window); the request was refused, not applied. They do not count against
  ``max_retries`` (a burst of 429s is the server pacing us, not failing): the deadline bounds them;
- network failures before the request was sent (connection refused, DNS, connect timeout): always;
- server errors (5xx, ``InternalError``, ``ServiceUnavailable``) and failures after the request
  was sent (read timeout, dropped connection): only for *idempotent* calls. A create is not
  idempotent: retrying it after an ambiguous failure could create the rule twice, so the error
  is raised with ``maybe_applied=True`` and the caller looks the rule up (by channel and name).
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Callable
from dataclasses import dataclass

from .errors import FlashdutyError, RateLimited, ServerError, TransportError


@dataclass(frozen=True)
class RetryPolicy:
    # Retries after server errors and network failures (429s are not counted). With 30% of
    # requests failing, 10 retries leave a 50-rule `up` (~250 requests) a 1-in-2000 chance of
    # failing; 5 left it 1 in 5. The deadline bounds the time either way.
    max_retries: int = 10
    base_delay: float = 0.5
    max_delay: float = 8.0
    # Overall budget for one call, retries and waits included (seconds).
    deadline: float = 120.0
    # A Retry-After longer than this is not waited for (the API's longest window is a minute).
    max_retry_after: float = 60.0

    def backoff(self, retry_number: int, rand: Callable[[], float]) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**n)], n = 0 for the first retry."""
        ceiling = min(self.max_delay, self.base_delay * (2.0 ** min(retry_number, 32)))
        return rand() * ceiling


def should_retry(err: FlashdutyError, *, idempotent: bool) -> bool:
    """Whether ``err`` may be retried for a call that is (or is not) idempotent."""
    if isinstance(err, RateLimited):
        return True
    if isinstance(err, TransportError):
        return idempotent or not err.maybe_applied
    if isinstance(err, ServerError):
        return idempotent
    return False


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date); None if absent/bad.

    ``now`` is the wall-clock time (unix seconds) to measure an HTTP-date against.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - now
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)
