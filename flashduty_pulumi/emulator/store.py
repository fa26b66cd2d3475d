"""The emulator's in-memory state, guarded by one lock, optionally persisted as JSON.

The state is one JSON-shaped dict (see seed.py for its layout). Every handler runs inside
`with store.lock:`; after a successful mutation the server calls `commit()`, which writes the whole
state to the `--state` file atomically (temp file + rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

State = dict[str, Any]

# The collections of the state, each a dict keyed by the entity's ID as a string (JSON object keys
# are strings). Insertion order is creation order, which list endpoints rely on.
COLLECTIONS = (
    "members",
    "teams",
    "channels",
    "integrations",
    "templates",
    "routes",
    "escalation_rules",
    "silence_rules",
)
_FORMAT = 1


def now() -> int:
    """Unix seconds, the API's timestamp unit."""
    return int(time.time())


class Store:
    """Thread-safe holder of the emulator state."""

    def __init__(self, seed: Callable[[], State], path: Path | None = None):
        self.lock = threading.RLock()
        self._seed = seed
        self._path = path
        self._counter = itertools.count(int.from_bytes(os.urandom(3), "big"))
        self._machine = os.urandom(5).hex()
        self.state: State = self._load() if path is not None and path.exists() else seed()
        if path is not None:
            self.commit()

    def _load(self) -> State:
        assert self._path is not None
        data: State = json.loads(self._path.read_text("utf-8"))
        if data.get("format") != _FORMAT or any(name not in data for name in COLLECTIONS):
            raise ValueError(f"{self._path} is not an emulator state file (format {_FORMAT})")
        return data

    def reset(self) -> None:
        """Back to the seed data: rules, routes and control-seeded entities are dropped."""
        with self.lock:
            self.state = self._seed()
            self.commit()

    def snapshot(self) -> State:
        with self.lock:
            return copy.deepcopy(self.state)

    def commit(self) -> None:
        """Persist the state if a state file is configured (atomic replace)."""
        if self._path is None:
            return
        with self.lock:
            data = json.dumps(self.state, indent=1, ensure_ascii=False).encode("utf-8")
            directory = self._path.parent
            fd, tmp = tempfile.mkstemp(prefix=f".{self._path.name}.", dir=directory)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self._path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def new_object_id(self) -> str:
        """A 24-hex MongoDB-style ObjectID: 4-byte time, 5 random bytes, 3-byte counter."""
        count = next(self._counter) & 0xFFFFFF
        return f"{now() & 0xFFFFFFFF:08x}{self._machine}{count:06x}"

    def next_seq(self) -> int:
        """Monotonic creation sequence kept in the state (survives restarts with --state)."""
        with self.lock:
            seq = int(self.state.get("seq", 0)) + 1
            self.state["seq"] = seq
            return seq

    def collection(self, name: str) -> dict[str, Any]:
        table: dict[str, Any] = self.state[name]
        return table

    def get(self, name: str, key: object) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self.state[name].get(str(key))
        return item
