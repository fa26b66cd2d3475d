"""The log of API requests the emulator answered, with every app key redacted.

Tests read it (GET /__emulator/requests) to see what a client really sent. A key must never show
up in it: the `app_key` query parameter is replaced wherever it appears, and any configured key, or
the key the request presented, is replaced inside the logged body text too.

Memory is bounded: an entry keeps the body as redacted text, at most BODY_LIMIT characters (a longer
body is kept as a truncated string), the bodies of all entries together at most TOTAL_LIMIT
characters, and at most ENTRY_LIMIT entries; the oldest entries go first. A body is parsed back to
JSON only when the log is read, with the same checks as a request (jsonbody.py), so a body the API
refused can never make the log unreadable.
"""

from __future__ import annotations

import collections
import itertools
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flashduty_pulumi.emulator.jsonbody import BodyError, parse

BODY_LIMIT = 64 << 10  # characters of body text kept per entry
TOTAL_LIMIT = 32 << 20  # characters of body text kept over all entries
ENTRY_LIMIT = 20_000
REDACTED = "REDACTED"
_MIN_SECRET = 6  # shorter presented "keys" are not scrubbed from bodies (they would mangle them)


def redact_query(query: str) -> str:
    """The query string with every app_key value replaced."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, REDACTED if k == "app_key" else v) for k, v in pairs], safe="/:,")


def redact_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def loggable_body(raw: bytes, secrets: Iterable[str]) -> str:
    """The body as redacted text, cut to BODY_LIMIT characters with a note saying so."""
    text = redact_text(raw.decode("utf-8", "replace"), secrets)
    if len(text) > BODY_LIMIT:
        # Cut after redacting, so a key is never split across the cut and left half visible.
        return f"{text[:BODY_LIMIT]}...[truncated: the body had {len(raw)} bytes]"
    return text


def readable_body(text: str | None) -> Any:
    """A logged body as JSON when it is acceptable JSON, else as the text it was."""
    if text is None:
        return None
    try:
        return parse(text.encode("utf-8"))
    except BodyError:
        return text


class RequestLog:
    """A bounded, thread-safe list of request records; `body` is stored as text (loggable_body)."""

    def __init__(self, limit: int = ENTRY_LIMIT, body_budget: int = TOTAL_LIMIT):
        self._lock = threading.Lock()
        self._entries: collections.deque[dict[str, Any]] = collections.deque()
        self._limit = limit
        self._budget = body_budget
        self._body_chars = 0
        self._seq = itertools.count(1)

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["seq"] = next(self._seq)
            self._entries.append(entry)
            self._body_chars += len(entry.get("body") or "")
            while len(self._entries) > self._limit or self._body_chars > self._budget:
                self._body_chars -= len(self._entries.popleft().get("body") or "")

    @property
    def body_chars(self) -> int:
        """Characters of body text held now (never above TOTAL_LIMIT)."""
        return self._body_chars

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self, since: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            found = [dict(e) for e in self._entries if e["seq"] > since]
        for entry in found:
            entry["body"] = readable_body(entry.get("body"))
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._body_chars = 0

    @staticmethod
    def secrets(configured: Iterable[str], presented: str | None) -> list[str]:
        found = [k for k in configured if k]
        if presented and len(presented) >= _MIN_SECRET:
            found.append(presented)
        return found
