"""The canonical form of a rule: what ``check`` hands on, what ``read`` rebuilds, what ``diff`` compares.

One function per kind turns a request-shaped dict (``Model.to_body()`` of the checked inputs, or
``Item.as_inputs()`` of a rule read back) into the same canonical form, so the two can be compared
with ``==`` and no perpetual diff can come from representation alone:

- **Int64 IDs** are ``int`` below 2**53 and a decimal ``str`` from there on (Pulumi carries numbers as
  float64, so only a string survives the engine exactly). ObjectIDs are lower-case.
- **Order-free lists are sorted and de-duplicated**: ``channel_ids`` (cases and default),
  ``person_ids``, ``team_ids``, ``emails``, the role IDs of ``schedule_to_role_ids``, the
  per-severity channels of ``by``, filter ``vals`` and ``repeat`` weekdays. All are sets to the API.
- **Order is kept where it means something, or where the API keeps it as written**: route
  ``cases`` (evaluated top to bottom), ``sections``, escalation ``layers`` (the escalation order),
  ``webhooks``, ``time_filters``, the OR-groups of ``filters`` and the conditions inside a group
  and inside a case's ``if``. Groups and conditions are order-free in meaning, but the API stores
  and returns them as sent and people read them in the UI in that order; sorting them would
  reorder what the user wrote for no gain (it cannot cause a diff, since both sides keep order).
- **Empty means absent** for the optional recipient lists of an escalation target, and a ``by``
  that delivers nothing (no follow_preference, no channels) is dropped: the server may echo either
  form, and both mean the same.
- Server defaults are already filled by the request models (``models/defaults.py``) and by the
  response models, so both sides carry every field.

Values still unknown at preview (``pulumi.output.Unknown`` objects, or the raw UNKNOWN GUID) are
left where they are: every helper here passes through what it cannot canonicalise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

# From here on a float64 no longer holds every integer (2**53 + 1 rounds to 2**53), so IDs this
# large must be given, and are kept, as decimal strings.
MAX_EXACT_INT = 2**53

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


def is_related(a: Path, b: Path) -> bool:
    """``a`` is ``b``, inside ``b``, or contains ``b``."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


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


def _id_sort_key(value: Any) -> int:
    return int(value)


def canonical_ids(value: Any) -> Any:
    """A set of IDs: canonical, de-duplicated, sorted by value. Unchanged if any member is odd."""
    if not isinstance(value, list):
        return value
    ids = [canonical_id(v) for v in value]
    if not all(isinstance(v, int) or (isinstance(v, str) and v.lstrip("-").isdigit()) for v in ids):
        return ids
    out: dict[int, Any] = {}
    for v in ids:
        out.setdefault(int(v), v)
    return [out[k] for k in sorted(out)]


def canonical_strings(value: Any) -> Any:
    """A set of strings: de-duplicated and sorted. Unchanged if any member is not a known string."""
    if not isinstance(value, list) or not all(isinstance(v, str) and not is_unknown(v) for v in value):
        return value
    return sorted(set(value))


def canonical_ints(value: Any) -> Any:
    """A set of small integers (weekdays): de-duplicated and sorted."""
    if not isinstance(value, list) or not all(is_number(v) and float(v).is_integer() for v in value):
        return value
    return sorted({int(v) for v in value})


def canonical_int(value: Any) -> Any:
    """A whole number as ``int`` (the engine hands numbers over as floats)."""
    return int(value) if is_number(value) and float(value).is_integer() else value


def canonical_object_id(value: Any) -> Any:
    if isinstance(value, str) and not is_unknown(value):
        return value.lower()
    return value


def too_big_for_a_number(value: Any) -> bool:
    """An ID given as a number at or above 2**53: the engine's float64 may already have rounded it."""
    return is_number(value) and abs(value) >= MAX_EXACT_INT


def big_number_paths(value: Any, id_paths: Callable[[Any], Iterator[tuple[Path, Any]]]) -> list[Path]:
    """Paths of the IDs in ``value`` that were given as numbers too large to be exact."""
    return [p for p, v in id_paths(value) if too_big_for_a_number(v)]


# --------------------------------------------------------------------------- shared shapes


def _map_list(value: Any, fn: Callable[[Any], Any]) -> Any:
    return [fn(v) for v in value] if isinstance(value, list) else value


def _condition(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = dict(value)
    if "vals" in out:
        out["vals"] = canonical_strings(out["vals"])
    return out


def canonical_filters(value: Any) -> Any:
    """OR-of-AND groups: order kept, ``vals`` of each condition as a set."""
    return _map_list(value, lambda group: _map_list(group, _condition))


def _time_filter(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = dict(value)
    if "repeat" in out:
        out["repeat"] = canonical_ints(out["repeat"])
    return out


def canonical_time_filters(value: Any) -> Any:
    return _map_list(value, _time_filter)


# --------------------------------------------------------------------------------- routes


def _route_case(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = dict(value)
    if "if" in out:
        out["if"] = _map_list(out["if"], _condition)
    if "channel_ids" in out:
        out["channel_ids"] = canonical_ids(out["channel_ids"])
    return out


def canonical_route(body: dict[str, Any]) -> dict[str, Any]:
    """A routing rule (upsert-request shape) in canonical form; ``version`` is not part of it."""
    out = {k: v for k, v in body.items() if k != "version"}
    if "integration_id" in out:
        out["integration_id"] = canonical_id(out["integration_id"])
    if "cases" in out:
        out["cases"] = _map_list(out["cases"], _route_case)
    default = out.get("default")
    if isinstance(default, dict) and "channel_ids" in default:
        out["default"] = {**default, "channel_ids": canonical_ids(default["channel_ids"])}
    return out


def route_id_paths(body: Any) -> Iterator[tuple[Path, Any]]:
    """Every int64 ID in a route's inputs, with its path."""
    if not isinstance(body, dict):
        return
    yield ("integration_id",), body.get("integration_id")
    cases = body.get("cases")
    if isinstance(cases, list):
        for i, case in enumerate(cases):
            if isinstance(case, dict) and isinstance(case.get("channel_ids"), list):
                for j, v in enumerate(case["channel_ids"]):
                    yield ("cases", i, "channel_ids", j), v
    default = body.get("default")
    if isinstance(default, dict) and isinstance(default.get("channel_ids"), list):
        for j, v in enumerate(default["channel_ids"]):
            yield ("default", "channel_ids", j), v


# ------------------------------------------------------------------------------ escalation

_TARGET_SETS = ("person_ids", "team_ids")


def _notify_by(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = dict(value)
    for sev in ("critical", "warning", "info"):
        if sev in out:
            out[sev] = canonical_strings(out[sev])
    return out


def _delivers_nothing(by: Any) -> bool:
    return (
        isinstance(by, dict)
        and by.get("follow_preference") is False
        and all(by.get(sev) in (None, []) for sev in ("critical", "warning", "info"))
    )


def _whole_numbers(value: Any) -> Any:
    """Whole floats as ints, throughout (the engine hands every number over as a float, and webhook
    settings such as ``data_source_id`` are integers to the API)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < MAX_EXACT_INT:
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def _target(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = dict(value)
    if isinstance(out.get("webhooks"), list):
        out["webhooks"] = _whole_numbers(out["webhooks"])
    for name in _TARGET_SETS:
        if name in out:
            out[name] = canonical_ids(out[name])
    if "emails" in out:
        out["emails"] = canonical_strings(out["emails"])
    schedules = out.get("schedule_to_role_ids")
    if isinstance(schedules, dict):
        ordered = sorted(schedules.items(), key=lambda kv: str(kv[0]))
        out["schedule_to_role_ids"] = {str(canonical_id(k)): canonical_ids(v) for k, v in ordered}
    if "by" in out:
        out["by"] = _notify_by(out["by"])
        if out["by"] is None or _delivers_nothing(out["by"]):
            del out["by"]
    for name in ("person_ids", "team_ids", "emails", "schedule_to_role_ids", "webhooks"):
        if name in out and out[name] in (None, [], {}):
            del out[name]
    return out


def _layer(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = dict(value)
    if "target" in out:
        out["target"] = _target(out["target"])
    step = out.get("notify_step")
    if isinstance(step, (int, float)) and not isinstance(step, bool):
        out["notify_step"] = float(step)
    return out


def canonical_escalation(body: dict[str, Any]) -> dict[str, Any]:
    """An escalation rule (create-request shape) in canonical form."""
    out = dict(body)
    if "channel_id" in out:
        out["channel_id"] = canonical_id(out["channel_id"])
    if "template_id" in out:
        out["template_id"] = canonical_object_id(out["template_id"])
    if "layers" in out:
        out["layers"] = _map_list(out["layers"], _layer)
    if "time_filters" in out:
        out["time_filters"] = canonical_time_filters(out["time_filters"])
    if "filters" in out:
        out["filters"] = canonical_filters(out["filters"])
    return out


def escalation_id_paths(body: Any) -> Iterator[tuple[Path, Any]]:
    if not isinstance(body, dict):
        return
    yield ("channel_id",), body.get("channel_id")
    layers = body.get("layers")
    if not isinstance(layers, list):
        return
    for i, layer in enumerate(layers):
        target = layer.get("target") if isinstance(layer, dict) else None
        if not isinstance(target, dict):
            continue
        for name in _TARGET_SETS:
            ids = target.get(name)
            if isinstance(ids, list):
                for j, v in enumerate(ids):
                    yield ("layers", i, "target", name, j), v


# --------------------------------------------------------------------------------- silence


def canonical_silence(body: dict[str, Any]) -> dict[str, Any]:
    """A silence rule (create-request shape) in canonical form."""
    out = dict(body)
    if "channel_id" in out:
        out["channel_id"] = canonical_id(out["channel_id"])
    if "time_filters" in out:
        out["time_filters"] = canonical_time_filters(out["time_filters"])
    if "filters" in out:
        out["filters"] = canonical_filters(out["filters"])
    once = out.get("time_filter")
    if isinstance(once, dict):
        out["time_filter"] = {k: canonical_int(v) for k, v in once.items()}
    return out


def silence_id_paths(body: Any) -> Iterator[tuple[Path, Any]]:
    if isinstance(body, dict):
        yield ("channel_id",), body.get("channel_id")
