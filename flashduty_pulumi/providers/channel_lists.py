"""A cache of per-channel rule lists, shared by the reads of one refresh (and the name look-ups of
one run's creates)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

# How long a channel's rule list serves further refresh reads (see ``ListCache``).
LIST_CACHE_SECONDS = 5.0


class ListCache:
    """Per-channel rule lists shared by the reads of one refresh.

    Silence rules can only be read through their channel's list, and an escalation rule's info
    costs as much as its channel's list, so a refresh of N rules in one channel would make N calls;
    reads within ``ttl`` seconds share one list instead (concurrent readers of a channel wait for
    the one fetching it). Any write through this process to that channel forgets its entry, and a
    fetch that overlapped a write is not kept.
    """

    def __init__(self, ttl: float = LIST_CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, list[Any]]] = {}
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._generation: dict[Hashable, int] = {}

    def get(self, key: Hashable, fetch: Callable[[], list[Any]]) -> list[Any]:
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                entry = self._entries.get(key)
                generation = self._generation.get(key, 0)
            if entry is not None and time.monotonic() - entry[0] < self.ttl:
                return entry[1]
            items = fetch()
            with self._lock:
                if self._generation.get(key, 0) == generation:
                    self._entries[key] = (time.monotonic(), items)
            return items

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._generation[key] = self._generation.get(key, 0) + 1

    def clear(self) -> None:
        with self._lock:
            for key in self._entries:
                self._generation[key] = self._generation.get(key, 0) + 1
            self._entries.clear()
