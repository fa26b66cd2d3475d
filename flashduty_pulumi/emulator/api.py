"""The emulated endpoints: stored-state checks, server defaults, and response shapes.

Bodies reaching these handlers already match the spec's request schema and the prose rules
(spec.py, rules.py). Handlers run with `store.lock` held and return the envelope's `data` (None for
the "empty" responses) or raise ApiError. Stored rules are kept in their response shape, so what a
client reads back is exactly what the server decided, defaults included.

The open questions of flashduty-api.md §6 that concern stored state are decided here, each at the
one place marked `# Open question N`; server.py's docstring lists them all.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flashduty_pulumi.emulator.errors import ApiError
from flashduty_pulumi.emulator.seed import PRESET_TEMPLATE, PRESET_TEMPLATE_ID
from flashduty_pulumi.emulator.store import Store, now

Body = Mapping[str, Any]
Data = Any
Handler = Callable[[Store, Body], Data]

# Server defaults for omitted optional fields. Layer values per [legacy]/[tf] and the UI (ref §4.5);
# the rest are Go zero values, which is what an omitted field becomes on the real server.
LAYER_DEFAULTS: dict[str, Any] = {
    "max_times": 2,
    "notify_step": 10,
    "escalate_window": 30,
    "force_escalate": False,
}
ESCALATION_DEFAULTS: dict[str, Any] = {"priority": 0, "aggr_window": 0, "description": ""}
SILENCE_DEFAULTS: dict[str, Any] = {"priority": 0, "description": "", "is_directly_discard": False}
NO_INCIDENT = "000000000000000000000000"  # S1 example: from_incident_id when not made from an incident


# ---------------------------------------------------------------------------------------------------
# Shapes: copy only the fields the spec defines (the real server's Go structs drop the rest)
# ---------------------------------------------------------------------------------------------------


def _pick(source: Body, keys: Iterable[str]) -> dict[str, Any]:
    return {k: source[k] for k in keys if k in source}


def _number(value: Any) -> Any:
    """Go's float64 marshals 10.0 as 10."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _conditions(items: Iterable[Body]) -> list[dict[str, Any]]:
    return [{"key": c["key"], "oper": c["oper"], "vals": list(c["vals"])} for c in items]


def _filters(groups: Iterable[Iterable[Body]] | None) -> list[list[dict[str, Any]]]:
    return [_conditions(group) for group in groups or ()]


def _time_filters(items: Iterable[Body] | None) -> list[dict[str, Any]]:
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


def _target(target: Body) -> dict[str, Any]:
    out = _pick(target, ("person_ids", "team_ids", "schedule_to_role_ids", "emails"))
    if "by" in target:
        out["by"] = _pick(target["by"], ("follow_preference", "critical", "warning", "info"))
    # S1's EscalateRuleItem example shows `"webhooks": null` when unused: the field has no
    # omitempty, so a client must accept null here.
    out["webhooks"] = (
        [{"type": w["type"], "settings": dict(w["settings"])} for w in target["webhooks"]]
        if target.get("webhooks") is not None
        else None
    )
    return out


def _layer(layer: Body) -> dict[str, Any]:
    out = {name: layer.get(name, default) for name, default in LAYER_DEFAULTS.items()}
    out["notify_step"] = _number(out["notify_step"])
    out["target"] = _target(layer["target"])
    return out


def _public(item: Mapping[str, Any]) -> dict[str, Any]:
    """A stored item without its internal bookkeeping (keys starting with `_`)."""
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _page(
    items: list[dict[str, Any]], body: Body, default_limit: int
) -> tuple[list[dict[str, Any]], int, int, bool]:
    p, limit = body.get("p", 1), body.get("limit", default_limit)
    start = (p - 1) * limit
    return items[start : start + limit], p, limit, start + limit < len(items)


def _sort(
    items: list[dict[str, Any]], body: Body, fields: tuple[str, ...], default: str
) -> list[dict[str, Any]]:
    orderby = body.get("orderby")
    field = orderby if isinstance(orderby, str) and orderby in fields else default
    # S1: `asc` defaults to false. Python's sort stays stable with reverse=True, so ties keep
    # storage (creation) order either way.
    return sorted(items, key=lambda item: item[field], reverse=not body.get("asc", False))


def _contains(needle: str | None, *haystacks: str) -> bool:
    return not needle or any(needle.lower() in h.lower() for h in haystacks)


# ---------------------------------------------------------------------------------------------------
# References to stored objects
# ---------------------------------------------------------------------------------------------------


def _channel(store: Store, channel_id: int) -> dict[str, Any]:
    channel = store.get("channels", channel_id)
    if channel is None or channel.get("status") == "deleted":
        raise ApiError.not_found("channel_id", channel_id)
    return channel


def _check_channels(store: Store, ids: Iterable[int], where: str) -> None:
    # A channel in a route that does not exist is a bad parameter of the route (the route itself exists).
    for j, channel_id in enumerate(ids):
        if store.get("channels", channel_id) is None:
            raise ApiError.invalid(f"{where}[{j}]", f"no channel with ID {channel_id} in this account")


def _check_template(store: Store, template_id: str) -> None:
    # S1's DutyError example message is "The specified parameter template_id is not valid.": an unknown
    # template is an InvalidParameter naming template_id (not ResourceNotFound).
    if template_id != PRESET_TEMPLATE_ID and store.get("templates", template_id) is None:
        raise ApiError.invalid("template_id", f"no notification template {template_id} in this account")


def _check_layers(store: Store, layers: Iterable[Body]) -> None:
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


def _rule(store: Store, table: str, body: Body) -> dict[str, Any]:
    _channel(store, body["channel_id"])
    rule = store.get(table, body["rule_id"])
    # Open question 4 (flashduty-api.md §6): info/update/enable/disable/delete of a rule that does
    # not exist, was deleted, or belongs to another channel fail with ResourceNotFound (HTTP 400),
    # never a silent success or null: a client that lost track of a rule must hear about it.
    if rule is None or rule["channel_id"] != body["channel_id"]:
        raise ApiError.not_found("rule_id", body["rule_id"])
    return rule


def _ordered_rules(store: Store, table: str, channel_id: int) -> list[dict[str, Any]]:
    # Lower priority is evaluated first (S1); equal priorities keep creation order.
    rules = [r for r in store.collection(table).values() if r["channel_id"] == channel_id]
    return sorted(rules, key=lambda r: (r["priority"], r["_seq"]))


# ---------------------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------------------


def _integration(store: Store, integration_id: int, field: str = "integration_id") -> dict[str, Any]:
    integration = store.get("integrations", integration_id)
    # Open question 5 (flashduty-api.md §6): an integration that does not exist is ResourceNotFound,
    # and a dedicated (per-channel) one is InvalidParameter, for info/list as for upsert. Only an
    # existing shared integration without a rule reads as null (info) or is left out (list). A typo
    # in an integration ID therefore fails instead of looking like "no rule yet".
    if integration is None:
        raise ApiError.not_found(field, integration_id)
    if integration["kind"] != "shared":
        raise ApiError.invalid(
            field,
            f"integration {integration_id} is dedicated to a channel; routing "
            "rules apply to shared integrations only",
        )
    return integration


def _case(case: Body) -> dict[str, Any]:
    mode = case.get("routing_mode") or "standard"
    out: dict[str, Any] = {
        "if": _conditions(case["if"]),
        # S1's RouteItem example shows `"channel_ids": null` for a name_mapping case.
        "channel_ids": list(case["channel_ids"]) if case.get("channel_ids") else None,
        "fallthrough": case.get("fallthrough", False),  # absent reads as Go's false
        "routing_mode": mode,
    }
    if mode == "name_mapping":
        out["name_mapping_label"] = case["name_mapping_label"]
    return out


def route_upsert(store: Store, body: Body) -> Data:
    integration_id = body["integration_id"]
    _integration(store, integration_id)
    for i, case in enumerate(body.get("cases") or ()):
        _check_channels(store, case.get("channel_ids") or (), f"cases[{i}].channel_ids")
    if body.get("default") is not None:
        _check_channels(store, body["default"].get("channel_ids") or (), "default.channel_ids")
    existing = store.get("routes", integration_id)
    sent = body.get("version") or 0
    # Open question 1 (flashduty-api.md §6): optimistic concurrency on a version the client read.
    # - No rule yet: version omitted or 0 creates it (version 1); any other version is stale.
    # - Rule exists: the current version updates it; a different non-zero one is stale and gives
    #   400 InvalidParameter naming `version` (the spec documents no dedicated code). Omitted or 0
    #   overwrites without the check: the vendor's Terraform provider always sends 0 and its CLI
    #   documents that an omitted version skips the check, so the real server must accept both.
    current = existing["version"] if existing else 0
    if sent not in (0, current):
        reason = (
            f"integration {integration_id} has no routing rule yet (send 0 or omit version to create it)"
            if existing is None
            else f"the current version is {current}"
        )
        raise ApiError.invalid("version", f"is stale ({sent}); {reason}")
    stamp = now()
    route: dict[str, Any] = {"integration_id": integration_id}
    if body.get("cases"):
        route["cases"] = [_case(c) for c in body["cases"]]
    if body.get("sections"):
        route["sections"] = [{"name": s["name"], "position": s["position"]} for s in body["sections"]]
    if body.get("default") is not None:
        route["default"] = {"channel_ids": list(body["default"].get("channel_ids") or [])}
    # Open question 12 (flashduty-api.md §6): routes cannot be disabled or deleted through the API
    # (no such paths exist, they answer RouteNotFound), so status is always "enabled". Every upsert
    # replaces cases/sections/default entirely.
    route.update(
        status="enabled",
        version=current + 1,
        updated_by=store.state["owner_id"],
        creator_id=existing["creator_id"] if existing else store.state["owner_id"],
        created_at=existing["created_at"] if existing else stamp,
        updated_at=stamp,
    )
    store.collection("routes")[str(integration_id)] = route
    return None


def route_info(store: Store, body: Body) -> Data:
    _integration(store, body["integration_id"])
    route = store.get("routes", body["integration_id"])
    return dict(route) if route else None  # S1: data is null when no rule is configured


def route_list(store: Store, body: Body) -> Data:
    items = []
    for j, integration_id in enumerate(body["integration_ids"]):
        _integration(store, integration_id, f"integration_ids[{j}]")
        route = store.get("routes", integration_id)
        if route:
            items.append(dict(route))
    return {"items": items}


# ---------------------------------------------------------------------------------------------------
# Escalation rules
# ---------------------------------------------------------------------------------------------------


def _escalation(store: Store, body: Body, identity: Mapping[str, Any]) -> dict[str, Any]:
    """The stored rule for a create/update body. `identity` carries what the body cannot change."""
    _check_template(store, body["template_id"])
    _check_layers(store, body["layers"])
    # Open question 2 (flashduty-api.md §6): update is a FULL REPLACEMENT: every optional field
    # omitted from the body falls back to its default (description "", priority 0, aggr_window 0,
    # time_filters [], filters [], layer defaults), exactly as on create. A client sending a partial
    # update loses fields, and sees it on the next read.
    return {
        "account_id": store.state["account"]["account_id"],
        "channel_id": body["channel_id"],
        **{name: body.get(name, default) for name, default in ESCALATION_DEFAULTS.items()},
        "rule_name": body["rule_name"],
        "layers": [_layer(layer) for layer in body["layers"]],
        "time_filters": _time_filters(body.get("time_filters")),
        "filters": _filters(body.get("filters")),
        "template_id": body["template_id"],
        "updated_by": store.state["owner_id"],
        "updated_at": now(),
        **identity,
    }


def escalation_create(store: Store, body: Body) -> Data:
    _channel(store, body["channel_id"])
    rule_id = store.new_object_id()
    stamp = now()
    rule = _escalation(
        store, body, {"status": "enabled", "rule_id": rule_id, "created_at": stamp, "_seq": store.next_seq()}
    )
    rule["updated_at"] = stamp
    store.collection("escalation_rules")[rule_id] = rule
    return {"rule_id": rule_id, "rule_name": rule["rule_name"]}


def escalation_update(store: Store, body: Body) -> Data:
    old = _rule(store, "escalation_rules", body)
    # Open question 3 (flashduty-api.md §6): update keeps rule_id, status (a disabled rule stays
    # disabled and may be updated), created_at and creation order; priority is whatever the body
    # says (default 0), so the rule's place in the list can change.
    keep = {k: old[k] for k in ("status", "rule_id", "created_at", "_seq")}
    store.collection("escalation_rules")[old["rule_id"]] = _escalation(store, body, keep)
    return None


def escalation_info(store: Store, body: Body) -> Data:
    return _public(_rule(store, "escalation_rules", body))


def escalation_list(store: Store, body: Body) -> Data:
    _channel(store, body["channel_id"])
    return {"items": [_public(r) for r in _ordered_rules(store, "escalation_rules", body["channel_id"])]}


# ---------------------------------------------------------------------------------------------------
# Silence rules
# ---------------------------------------------------------------------------------------------------


def _silence(store: Store, body: Body, identity: Mapping[str, Any]) -> dict[str, Any]:
    # Open question 2 (flashduty-api.md §6): full replacement, as for escalation rules. Fields the
    # spec does not define (e.g. [cli]'s is_auto_delete) are ignored, as the real server's structs do.
    once = body.get("time_filter")
    return {
        "account_id": store.state["account"]["account_id"],
        "channel_id": body["channel_id"],
        **{name: body.get(name, default) for name, default in SILENCE_DEFAULTS.items()},
        "rule_name": body["rule_name"],
        "time_filters": _time_filters(body.get("time_filters")),
        # Open question 10 (flashduty-api.md §6): a recurring rule lists `time_filter: null` (Go's
        # nil pointer), not zeros. A client that takes SilenceRuleItem's `required` literally and
        # expects an object breaks here, loudly; a one-off rule lists `time_filters: []` (S1 example).
        "time_filter": {"start_time": once["start_time"], "end_time": once["end_time"]} if once else None,
        "filters": _filters(body["filters"]),
        "updated_by": store.state["owner_id"],
        "updated_at": now(),
        **identity,
    }


def _recurring_active(windows: Iterable[Mapping[str, Any]], at: int) -> bool:
    moment = datetime.datetime.fromtimestamp(at, tz=datetime.timezone.utc)
    weekday, hhmm = (moment.weekday() + 1) % 7, moment.strftime("%H:%M")  # 0 = Sunday
    # Time zone: UTC (the account's zone is not modelled); calendars are not modelled, so a
    # calendar window is never effective.
    return any(
        not w["cal_id"] and (not w["repeat"] or weekday in w["repeat"]) and w["start"] <= hhmm < w["end"]
        for w in windows
    )


def _silence_out(rule: Mapping[str, Any]) -> dict[str, Any]:
    out = _public(rule)
    at = now()
    once = rule["time_filter"]
    window_open = (
        once["start_time"] <= at < once["end_time"] if once else _recurring_active(rule["time_filters"], at)
    )
    out["is_effective"] = rule["status"] == "enabled" and window_open
    return out


def silence_create(store: Store, body: Body) -> Data:
    _channel(store, body["channel_id"])
    rule_id = store.new_object_id()
    stamp = now()
    rule = _silence(
        store,
        body,
        {
            "status": "enabled",
            "rule_id": rule_id,
            "created_at": stamp,
            "from_incident_id": body.get("from_incident_id") or NO_INCIDENT,
            "_seq": store.next_seq(),
        },
    )
    rule["updated_at"] = stamp
    store.collection("silence_rules")[rule_id] = rule
    return {"rule_id": rule_id, "rule_name": rule["rule_name"]}


def silence_update(store: Store, body: Body) -> Data:
    old = _rule(store, "silence_rules", body)
    # Open question 3: as for escalation rules; from_incident_id is not part of update and is kept.
    keep = {k: old[k] for k in ("status", "rule_id", "created_at", "from_incident_id", "_seq")}
    store.collection("silence_rules")[old["rule_id"]] = _silence(store, body, keep)
    return None


def silence_list(store: Store, body: Body) -> Data:
    _channel(store, body["channel_id"])
    return {"items": [_silence_out(r) for r in _ordered_rules(store, "silence_rules", body["channel_id"])]}


# ---------------------------------------------------------------------------------------------------
# enable / disable / delete, shared by both rule kinds
# ---------------------------------------------------------------------------------------------------


def _set_status(table: str, status: str) -> Handler:
    def handler(store: Store, body: Body) -> Data:
        rule = _rule(store, table, body)
        if rule["status"] != status:  # idempotent: enabling an enabled rule succeeds, changes nothing
            rule.update(status=status, updated_at=now(), updated_by=store.state["owner_id"])
        return None

    return handler


def _delete(table: str) -> Handler:
    def handler(store: Store, body: Body) -> Data:
        rule = _rule(store, table, body)
        del store.collection(table)[rule["rule_id"]]  # a second delete is ResourceNotFound (Q4)
        return None

    return handler


# ---------------------------------------------------------------------------------------------------
# Look-ups
# ---------------------------------------------------------------------------------------------------


def _my_team_ids(store: Store) -> set[int]:
    owner = store.state["owner_id"]
    return {t["team_id"] for t in store.collection("teams").values() if owner in t["person_ids"]}


_BRIEF = ("channel_id", "channel_name", "description", "status")


def channel_list(store: Store, body: Body) -> Data:
    items = [c for c in store.collection("channels").values() if c.get("status") != "deleted"]
    if body.get("channel_ids"):
        items = [c for c in items if c["channel_id"] in body["channel_ids"]]
    if body.get("team_ids"):
        items = [c for c in items if c["team_id"] in body["team_ids"]]
    if body.get("is_my_team") or body.get("is_my_managed"):
        mine = _my_team_ids(store)
        items = [c for c in items if c["team_id"] in mine or mine & set(c.get("managing_team_ids", []))]
    if body.get("is_my_starred"):
        items = []  # nothing is starred in the emulator
    if body.get("channel_name") is not None:  # exact match, takes priority over query (S1)
        items = [c for c in items if c["channel_name"] == body["channel_name"]]
    else:
        items = [c for c in items if _contains(body.get("query"), c["channel_name"], c["description"])]
    ordered = _sort(items, body, ("created_at", "updated_at", "channel_name"), "created_at")
    page, _, _, more = _page(ordered, body, 100)
    if body.get("is_brief"):
        page = [_pick(c, _BRIEF) for c in page]
    return {"items": [dict(c) for c in page], "total": len(items), "has_next_page": more}


def channel_info(store: Store, body: Body) -> Data:
    return dict(_channel(store, body["channel_id"]))


def template_list(store: Store, body: Body) -> Data:
    # The built-in preset is addressed by its well-known ID and is not listed (it is not stored).
    items = [t for t in store.collection("templates").values() if t["status"] != "deleted"]
    if body.get("is_my_team"):  # S1: when true, team_ids is ignored
        mine = _my_team_ids(store)
        items = [t for t in items if t["team_id"] in mine]
    elif body.get("team_ids"):
        items = [t for t in items if t["team_id"] in body["team_ids"]]
    if body.get("creator_id") is not None:
        items = [t for t in items if t["creator_id"] == body["creator_id"]]
    items = [t for t in items if _contains(body.get("query"), t["template_name"])]
    ordered = _sort(items, body, ("created_at", "updated_at"), "created_at")
    page, _, _, more = _page(ordered, body, 20)
    return {"total": len(items), "has_next_page": more, "items": [dict(t) for t in page]}


def template_info(store: Store, body: Body) -> Data:
    if body["template_id"] == PRESET_TEMPLATE_ID:
        return {**PRESET_TEMPLATE, "account_id": store.state["account"]["account_id"]}
    template = store.get("templates", body["template_id"])
    if template is None or template["status"] == "deleted":
        raise ApiError.not_found("template_id", body["template_id"])
    return dict(template)


def member_list(store: Store, body: Body) -> Data:
    items = [m for m in store.collection("members").values() if m["status"] != "deleted"]
    if body.get("role_id") is not None:
        items = [m for m in items if body["role_id"] in m["account_role_ids"]]
    items = [m for m in items if _contains(body.get("query"), m["member_name"], m["email"])]
    ordered = _sort(items, body, ("created_at", "updated_at"), "created_at")
    page, p, limit, _ = _page(ordered, body, 20)
    return {"p": p, "limit": limit, "total": len(items), "items": [dict(m) for m in page]}


def team_list(store: Store, body: Body) -> Data:
    items = list(store.collection("teams").values())
    if body.get("person_id") is not None:
        items = [t for t in items if body["person_id"] in t["person_ids"]]
    items = [t for t in items if _contains(body.get("query"), t["team_name"])]
    ordered = _sort(items, body, ("created_at", "updated_at", "team_name"), "created_at")
    page, p, limit, _ = _page(ordered, body, 20)
    return {"p": p, "limit": limit, "total": len(items), "items": [dict(t) for t in page]}


def team_info(store: Store, body: Body) -> Data:
    teams = store.collection("teams").values()
    for field in ("team_id", "team_name", "ref_id"):  # the first identifier given decides
        if body.get(field):
            found = next((t for t in teams if t[field] == body[field]), None)
            if found is None:
                raise ApiError.not_found(field, body[field])
            return dict(found)
    raise ApiError.invalid("team_id", "one of team_id, team_name or ref_id must be provided")


HANDLERS: dict[str, Handler] = {
    "/route/upsert": route_upsert,
    "/route/info": route_info,
    "/route/list": route_list,
    "/channel/escalate/rule/create": escalation_create,
    "/channel/escalate/rule/update": escalation_update,
    "/channel/escalate/rule/info": escalation_info,
    "/channel/escalate/rule/list": escalation_list,
    "/channel/escalate/rule/enable": _set_status("escalation_rules", "enabled"),
    "/channel/escalate/rule/disable": _set_status("escalation_rules", "disabled"),
    "/channel/escalate/rule/delete": _delete("escalation_rules"),
    "/channel/silence/rule/create": silence_create,
    "/channel/silence/rule/update": silence_update,
    "/channel/silence/rule/list": silence_list,
    "/channel/silence/rule/enable": _set_status("silence_rules", "enabled"),
    "/channel/silence/rule/disable": _set_status("silence_rules", "disabled"),
    "/channel/silence/rule/delete": _delete("silence_rules"),
    "/channel/list": channel_list,
    "/channel/info": channel_info,
    "/template/list": template_list,
    "/template/info": template_info,
    "/member/list": member_list,
    "/team/list": team_list,
    "/team/info": team_info,
}
