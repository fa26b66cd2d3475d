"""Injected failures, so clients can be tested against a misbehaving server.

A fault rule (POST /__emulator/faults) is JSON with these fields, all optional except that it must
do something (a status, a dropped connection, or latency):

    count           int >= 1, or null for unlimited; default 1. Times the fault fires.
    status          HTTP status 400-599 to answer with.
    code            error.code in the envelope; default: the documented code for the status
                    (503 ServiceUnavailable, 500 InternalError, 429 RequestTooFrequently, ...). A
                    status without a documented code (502, 504) answers an HTML page, as a proxy would.
    message         error.message; default names the injected fault.
    raw_body        answer this text (text/html) instead of a JSON envelope.
    retry_after     integer seconds for a Retry-After header (omitted when null).
    path            only requests whose path contains this string (e.g. "/route/", "/create").
    writes_only     only state-changing calls (create/update/delete/enable/disable/upsert).
    probability     0..1, chance that a matching request fires the fault; default 1.
    seed            seed for that chance, for reproducible runs (e.g. 30% failing with 503).
    latency_ms      delay before answering (alone: a slow but successful request).
    drop_connection close the socket without answering.
    after_apply     apply the request (the write happens), THEN fail or drop: the nastiest case.

Faults are matched in the order added; the first that fires decides. Requests that do not fire a
fault (wrong path, lost the draw) do not use up its count.
"""

from __future__ import annotations

import itertools
import math
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flashduty_pulumi.emulator.errors import CODE_BY_STATUS

_FIELDS = {
    "count",
    "status",
    "code",
    "message",
    "raw_body",
    "retry_after",
    "path",
    "writes_only",
    "probability",
    "seed",
    "latency_ms",
    "drop_connection",
    "after_apply",
}


@dataclass
class Fault:
    fault_id: int
    count: int | None = 1
    status: int | None = None
    code: str | None = None
    message: str | None = None
    raw_body: str | None = None
    retry_after: int | None = None
    path: str | None = None
    writes_only: bool = False
    probability: float = 1.0
    seed: int | None = None
    latency_ms: int = 0
    drop_connection: bool = False
    after_apply: bool = False
    fired: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def fails(self) -> bool:
        """True when the fault replaces the answer (not only delays it)."""
        return self.status is not None or self.drop_connection

    def error_code(self) -> str | None:
        return self.code if self.code is not None else CODE_BY_STATUS.get(self.status or 0)

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ("fault_id", *sorted(_FIELDS), "fired")}


def _typed(
    data: Mapping[str, Any],
    name: str,
    kind: type | tuple[type, ...],
    low: float = -math.inf,
    high: float = math.inf,
) -> Any:
    """The field's value if it has the right type and range (None when absent or null)."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
        raise ValueError(f"fault field {name!r} has an invalid type: {value!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not low <= value <= high:
        raise ValueError(f"fault field {name!r} is out of range: {value!r}")
    return value


def parse_fault(data: object, fault_id: int) -> Fault:
    """A Fault from its JSON description; ValueError says what is wrong."""
    if not isinstance(data, Mapping):
        raise ValueError("a fault must be a JSON object")
    unknown = set(data) - _FIELDS
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    fault = Fault(
        fault_id=fault_id,
        count=_typed(data, "count", int, 1) if "count" in data else 1,
        status=_typed(data, "status", int, 400, 599),
        code=_typed(data, "code", str),
        message=_typed(data, "message", str),
        raw_body=_typed(data, "raw_body", str),
        retry_after=_typed(data, "retry_after", int, 0),
        path=_typed(data, "path", str),
        writes_only=bool(_typed(data, "writes_only", bool)),
        probability=float(
            _typed(data, "probability", (int, float), 0, 1) if data.get("probability") is not None else 1
        ),
        seed=_typed(data, "seed", int),
        latency_ms=_typed(data, "latency_ms", int, 0, 60_000) or 0,
        drop_connection=bool(_typed(data, "drop_connection", bool)),
        after_apply=bool(_typed(data, "after_apply", bool)),
    )
    if not fault.fails and fault.latency_ms == 0:
        raise ValueError("a fault needs a status, drop_connection or latency_ms")
    return fault


class FaultSet:
    """The active fault rules; safe to use from many request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, data: object) -> Fault:
        with self._lock:
            fault = parse_fault(data, next(self._ids))
            self._faults.append(fault)
            return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def to_json(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.to_json() for f in self._faults]

    def match(self, path: str, is_write: bool) -> Fault | None:
        """The fault this request fires, if any (its count is used up here)."""
        with self._lock:
            for fault in self._faults:
                if fault.path is not None and fault.path not in path:
                    continue
                if fault.writes_only and not is_write:
                    continue
                if fault.probability < 1 and fault._rng.random() >= fault.probability:
                    continue
                fault.fired += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                return fault
            return None
