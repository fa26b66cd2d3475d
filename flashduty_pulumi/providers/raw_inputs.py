"""Input values as the engine hands them over, before the models read them: values not known yet
at preview, and int64 IDs given as numbers too large for Pulumi to carry exactly.

The canonical form itself (sets sorted, ObjectIDs lower-case, empty = absent, big IDs as strings in
state, server defaults filled) is the request models' (``RequestModel.to_state``); values still
unknown at preview (``pulumi.output.Unknown`` objects, or the raw UNKNOWN GUID) are kept where they
are, field by field (``RequestModel.canonical_fields``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from ..models.canonical import MAX_EXACT_INT

Path = tuple[str | int, ...]


# --------------------------------------------------------------------------- unknown values


def is_unknown(value: Any) -> bool:
    """A value not known yet (preview): an ``Unknown`` object or the UNKNOWN GUID string."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def unknown_paths(value: Any, path: Path = ()) -> Iterator[Path]:
    """Every path in ``value`` that holds an unknown."""
    if is_unknown(value):
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from unknown_paths(v, (*path, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from unknown_paths(v, (*path, i))


def contains_unknown(value: Any) -> bool:
    return next(unknown_paths(value), None) is not None


# ------------------------------------------------------------------------------- IDs


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def canonical_id(value: Any) -> Any:
    """An int64 ID as ``int`` (below 2**53) or decimal ``str`` (from 2**53 on); anything else unchanged."""
    if is_number(value) and float(value).is_integer():
        n = int(value)
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        n = int(value.strip())
    else:
        return value
    return n if abs(n) < MAX_EXACT_INT else str(n)


def canonical_object_id(value: Any) -> Any:
    if isinstance(value, str) and not is_unknown(value):
        return value.lower()
    return value


def too_big_for_a_number(value: Any) -> bool:
    """An ID given as a number at or above 2**53: the engine's float64 may already have rounded it."""
    return is_number(value) and abs(value) >= MAX_EXACT_INT
