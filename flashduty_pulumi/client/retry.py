"""When to retry and how long to wait: exponential backoff with full jitter, capped, with a deadline.

What is retried:
- rate limits (429 / ``RequestTooFrequently``): always, waiting what ``Retry-After`` says (up to one
  per-minute window); the request was refused, not applied. They do not count against
  ``max_retries`` (a burst of 429s is the server pacing us, not failing): the deadline bounds them;
- network failures before the request was sent (connection refused, DNS, connect timeout): always;
- server errors (5xx, ``InternalError``, ``ServiceUnavailable``) and failures after the request
  was sent (read timeout, dropped connection): only for *idempotent* calls. A create is not
  idempotent: retrying it after an ambiguous failure could create the rule twice, so the error
  is raised with ``maybe_applied=True`` and the caller looks the rule up (by channel and name),
  unless it gave ``run`` a ``recover`` that does so: then the create is repeated only when
  ``recover`` found that the failed attempts made nothing.

``RetryPolicy.run`` is the one retry loop; a ``Deadline`` bounds it (and, when a caller passes the
same one to several calls, all of them together).
"""

from __future__ import annotations

import email.utils
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .errors import FlashdutyError, RateLimited, ServerError, TransportError

log = logging.getLogger("flashduty_pulumi.client")
T = TypeVar("T")


class Deadline:
    """A time budget that starts when it is made."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._started = clock()

    def remaining(self) -> float:
        return self.seconds - (self._clock() - self._started)

    def allows(self, wait: float) -> bool:
        """Whether waiting ``wait`` more seconds still ends within the budget."""
        return wait <= self.remaining()


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

    def delay(
        self, err: FlashdutyError, number: int, failures: int, deadline: Deadline, rand: Callable[[], float]
    ) -> float | None:
        """Seconds to wait before attempt ``number + 1``, or None to give up. ``failures``: the
        attempts so far that failed other than by a rate limit (429s are bounded by the deadline)."""
        if failures > self.max_retries or self.max_retries == 0:  # 0: never retry, not even a 429
            return None
        if err.retry_after is not None:
            if err.retry_after > self.max_retry_after:
                return None
            wait = err.retry_after
        else:
            wait = self.backoff(number - 1, rand)
        return wait if deadline.allows(wait) else None

    def run(
        self,
        attempt: Callable[[int], T],
        *,
        idempotent: bool,
        deadline: Deadline,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float],
        recover: Callable[[FlashdutyError], T | None] | None = None,
    ) -> T:
        """``attempt(n)`` for n = 1, 2, ... until it returns, or raise its last error.

        ``recover`` (for calls that are not idempotent) is asked after an ambiguous failure whether
        the request took effect after all: it returns the result if so, None if not (then the call
        may be repeated), or raises.
        """
        ambiguous = False
        failures = 0
        number = 0
        while True:
            number += 1
            try:
                return attempt(number)
            except FlashdutyError as err:
                failure = err
            ambiguous = ambiguous or _ambiguous(failure)
            checked = False
            if ambiguous and recover is not None and not idempotent:
                found = recover(failure)
                if found is not None:
                    return found
                ambiguous, checked = False, True  # the failed attempts made nothing: safe to repeat
            failure.maybe_applied = ambiguous
            failure.attempts = number
            if not isinstance(failure, RateLimited):
                failures += 1
            wait = self.delay(failure, number, failures, deadline, rand)
            if wait is None or not should_retry(failure, idempotent=idempotent or checked):
                log.debug("POST %s failed for good: %r", failure.path, failure)
                raise failure
            log.info(
                "POST %s: %s (code %s, HTTP %s, request_id %s); retry %d in %.2f s",
                failure.path,
                type(failure).__name__,
                failure.code or "-",
                failure.status,
                failure.request_id or "-",
                number,
                wait,
            )
            sleep(wait)


def _ambiguous(err: FlashdutyError) -> bool:
    """The failed request may have taken effect."""
    return isinstance(err, ServerError) or (isinstance(err, TransportError) and err.maybe_applied)


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
