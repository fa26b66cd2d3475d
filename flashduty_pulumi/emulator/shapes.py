"""Shapes and references shared by the emulated endpoints.

Shapes copy only the fields the spec defines (the real server's Go structs drop the rest);
references check that stored objects a body names exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flashduty_pulumi.emulator.errors import ApiError
from flashduty_pulumi.emulator.seed import PRESET_TEMPLATE_ID
from flashduty_pulumi.emulator.store import Store

Body = Mapping[str, Any]
Data = Any
Handler = Callable[[Store, Body], Data]


# ---------------------------------------------------------------------------------------------------
# Shapes: copy only the fields the spec defines (the real server's Go structs drop the rest)
# ---------------------------------------------------------------------------------------------------


def pick(source: Body, keys: Iterable[str]) -> dict[str, Any]:
    return {k: source[k] for k in keys if k in source}


def go_number(value: Any) -> Any:
    """Go's float64 marshals 10.0 as 10."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def conditions(items: Iterable[Body]) -> list[dict[str, Any]]:
    return [{"key": c["key"], "oper": c["oper"], "vals": list(c["vals"])} for c in items]


def filter_groups(groups: Iterable[Iterable[Body]] | None) -> list[list[dict[str, Any]]]:
    return [conditions(group) for group in groups or ()]


def time_windows(items: Iterable[Body] | None) -> list[dict[str, Any]]:
    # Every field is written out, zero values included, as a Go struct without omitempty does;
    # a client comparing what it sent with what it reads must normalise.
    return [
        {
            "start": tf["start"],
            "end": tf["end"],
            "repeat": list(tf.get("repeat") or []),
            "cal_id": tf.get("cal_id", ""),
            "is_off": tf.get("is_off", False),
        }
        for tf in items or ()
    ]


def public(item: Mapping[str, Any]) -> dict[str, Any]:
    """A stored item without its internal bookkeeping (keys starting with `_`)."""
    return {k: v for k, v in item.items() if not k.startswith("_")}


def paginate(
    items: list[dict[str, Any]], body: Body, default_limit: int
) -> tuple[list[dict[str, Any]], int, int, bool]:
    p, limit = body.get("p", 1), body.get("limit", default_limit)
    start = (p - 1) * limit
    return items[start : start + limit], p, limit, start + limit < len(items)


def sort_items(
    items: list[dict[str, Any]], body: Body, fields: tuple[str, ...], default: str
) -> list[dict[str, Any]]:
    orderby = body.get("orderby")
    field = orderby if isinstance(orderby, str) and orderby in fields else default
    # The spec: `asc` defaults to false. Python's sort stays stable with reverse=True, so ties keep
    # storage (creation) order either way.
    return sorted(items, key=lambda item: item[field], reverse=not body.get("asc", False))


def matches_query(needle: str | None, *haystacks: str) -> bool:
    return not needle or any(needle.lower() in h.lower() for h in haystacks)


# ---------------------------------------------------------------------------------------------------
# References to stored objects
# ---------------------------------------------------------------------------------------------------


def live_channel(store: Store, channel_id: int) -> dict[str, Any]:
    channel = store.get("channels", channel_id)
    if channel is None or channel.get("status") == "deleted":
        raise ApiError.not_found("channel_id", channel_id)
    return channel


def check_channels(store: Store, ids: Iterable[int], where: str) -> None:
    # A channel in a route that does not exist is a bad parameter of the route (the route itself exists).
    for j, channel_id in enumerate(ids):
        if store.get("channels", channel_id) is None:
            raise ApiError.invalid(f"{where}[{j}]", f"no channel with ID {channel_id} in this account")


def check_template(store: Store, template_id: str) -> None:
    # The spec's DutyError example message is "The specified parameter template_id is not valid.":
    # an unknown template is an InvalidParameter naming template_id (not ResourceNotFound).
    if template_id != PRESET_TEMPLATE_ID and store.get("templates", template_id) is None:
        raise ApiError.invalid("template_id", f"no notification template {template_id} in this account")


def check_layers(store: Store, layers: Iterable[Body]) -> None:
    for i, layer in enumerate(layers):
        target = layer["target"]
        for field, table in (("person_ids", "members"), ("team_ids", "teams")):
            for j, ref in enumerate(target.get(field) or ()):
                item = store.get(table, ref)
                if item is None or item.get("status") == "deleted":
                    kind = "member" if table == "members" else "team"
                    raise ApiError.invalid(
                        f"layers[{i}].target.{field}[{j}]", f"no {kind} with ID {ref} in this account"
                    )


def find_rule(store: Store, table: str, body: Body) -> dict[str, Any]:
    live_channel(store, body["channel_id"])
    rule = store.get(table, body["rule_id"])
    # Decision 4: info/update/enable/disable/delete of a rule that does
    # not exist, was deleted, or belongs to another channel fail with ResourceNotFound (HTTP 400),
    # never a silent success or null: a client that lost track of a rule must hear about it.
    if rule is None or rule["channel_id"] != body["channel_id"]:
        raise ApiError.not_found("rule_id", body["rule_id"])
    return rule


def ordered_rules(store: Store, table: str, channel_id: int) -> list[dict[str, Any]]:
    # Lower priority is evaluated first (the spec says so); equal priorities keep creation order.
    rules = [r for r in store.collection(table).values() if r["channel_id"] == channel_id]
    return sorted(rules, key=lambda r: (r["priority"], r["_seq"]))
