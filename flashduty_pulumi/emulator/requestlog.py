"""The log of API requests the emulator answered, with every app key redacted.

Tests read it (GET /__emulator/requests) to see what a client really sent. A key must never show
up in it: the `app_key` query parameter is replaced wherever it appears, and any configured key, or
the key the request presented, is replaced inside the logged body text too.
"""

from __future__ import annotations

import collections
import itertools
import json
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

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


def loggable_body(raw: bytes, secrets: Iterable[str]) -> Any:
    """The body as JSON if it parses, else as (truncated) text; secrets removed either way."""
    text = redact_text(raw.decode("utf-8", "replace"), secrets)
    try:
        return json.loads(text)
    except ValueError:
        return text[:10_000]


class RequestLog:
    """A bounded, thread-safe list of request records."""

    def __init__(self, limit: int = 20_000):
        self._lock = threading.Lock()
        self._entries: collections.deque[dict[str, Any]] = collections.deque(maxlen=limit)
        self._seq = itertools.count(1)

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["seq"] = next(self._seq)
            self._entries.append(entry)

    def entries(self, since: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries if e["seq"] > since]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @staticmethod
    def secrets(configured: Iterable[str], presented: str | None) -> list[str]:
        found = [k for k in configured if k]
        if presented and len(presented) >= _MIN_SECRET:
            found.append(presented)
        return found
