"""The emulated endpoints: escalation and silence rules here, routes (routes.py) and look-ups
(lookups.py) beside, and HANDLERS, the table from API path to handler.

Bodies reaching these handlers already match the spec's request schema and the prose rules
(spec.py, rules.py). Handlers run with `store.lock` held and return the envelope's `data` (None for
the "empty" responses) or raise ApiError. Stored rules are kept in their response shape, so what a
client reads back is exactly what the server decided, defaults included.

Where the API's behaviour with stored state is unknown, the reading chosen is made here, each at
the one place marked `# Decision N`; server.py's docstring (DECISIONS) lists them all.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from flashduty_pulumi.emulator.lookups import (
    channel_info,
    channel_list,
    member_list,
    team_info,
    team_list,
    template_info,
    template_list,
)
from flashduty_pulumi.emulator.routes import route_info, route_list, route_upsert
from flashduty_pulumi.emulator.shapes import (
    Body,
    Data,
    Handler,
    check_layers,
    check_template,
    filter_groups,
    find_rule,
    go_number,
    live_channel,
    ordered_rules,
    pick,
    public,
    time_windows,
)
from flashduty_pulumi.emulator.store import Store, now

# Server defaults for omitted optional fields. The layer values are the ones the vendor's API text,
# its Terraform provider and its console all use; the rest are Go zero values, which is what an
# omitted field becomes on the real server.
LAYER_DEFAULTS: dict[str, Any] = {
    "max_times": 2,
    "notify_step": 10,
    "escalate_window": 30,
    "force_escalate": False,
}
ESCALATION_DEFAULTS: dict[str, Any] = {"priority": 0, "aggr_window": 0, "description": ""}
SILENCE_DEFAULTS: dict[str, Any] = {"priority": 0, "description": "", "is_directly_discard": False}
NO_INCIDENT = "000000000000000000000000"  # the spec's example: from_incident_id of a rule made by hand


def _target(target: Body) -> dict[str, Any]:
    out = pick(target, ("person_ids", "team_ids", "schedule_to_role_ids", "emails"))
    if "by" in target:
        out["by"] = pick(target["by"], ("follow_preference", "critical", "warning", "info"))
    # The spec's EscalateRuleItem example shows `"webhooks": null` when unused: the field has no
    # omitempty, so a client must accept null here.
    out["webhooks"] = (
        [{"type": w["type"], "settings": dict(w["settings"])} for w in target["webhooks"]]
        if target.get("webhooks") is not None
        else None
    )
    return out


def _layer(layer: Body) -> dict[str, Any]:
    out = {name: layer.get(name, default) for name, default in LAYER_DEFAULTS.items()}
    out["notify_step"] = go_number(out["notify_step"])
    out["target"] = _target(layer["target"])
    return out


# ---------------------------------------------------------------------------------------------------
# Escalation rules
# ---------------------------------------------------------------------------------------------------


def _escalation(store: Store, body: Body, identity: Mapping[str, Any]) -> dict[str, Any]:
    """The stored rule for a create/update body. `identity` carries what the body cannot change."""
    check_template(store, body["template_id"])
    check_layers(store, body["layers"])
    # Decision 2: update is a FULL REPLACEMENT: every optional field
    # omitted from the body falls back to its default (description "", priority 0, aggr_window 0,
    # time_filters [], filters [], layer defaults), exactly as on create. A client sending a partial
    # update loses fields, and sees it on the next read.
    return {
        "account_id": store.state["account"]["account_id"],
        "channel_id": body["channel_id"],
        **{name: body.get(name, default) for name, default in ESCALATION_DEFAULTS.items()},
        "rule_name": body["rule_name"],
        "layers": [_layer(layer) for layer in body["layers"]],
        "time_filters": time_windows(body.get("time_filters")),
        "filters": filter_groups(body.get("filters")),
        "template_id": body["template_id"],
        "updated_by": store.state["owner_id"],
        "updated_at": now(),
        **identity,
    }


def escalation_create(store: Store, body: Body) -> Data:
    live_channel(store, body["channel_id"])
    rule_id = store.new_object_id()
    stamp = now()
    rule = _escalation(
        store, body, {"status": "enabled", "rule_id": rule_id, "created_at": stamp, "_seq": store.next_seq()}
    )
    rule["updated_at"] = stamp
    store.collection("escalation_rules")[rule_id] = rule
    return {"rule_id": rule_id, "rule_name": rule["rule_name"]}


def escalation_update(store: Store, body: Body) -> Data:
    old = find_rule(store, "escalation_rules", body)
    # Decision 3: update keeps rule_id, status (a disabled rule stays
    # disabled and may be updated), created_at and creation order; priority is whatever the body
    # says (default 0), so the rule's place in the list can change.
    keep = {k: old[k] for k in ("status", "rule_id", "created_at", "_seq")}
    store.collection("escalation_rules")[old["rule_id"]] = _escalation(store, body, keep)
    return None


def escalation_info(store: Store, body: Body) -> Data:
    return public(find_rule(store, "escalation_rules", body))


def escalation_list(store: Store, body: Body) -> Data:
    live_channel(store, body["channel_id"])
    return {"items": [public(r) for r in ordered_rules(store, "escalation_rules", body["channel_id"])]}


# ---------------------------------------------------------------------------------------------------
# Silence rules
# ---------------------------------------------------------------------------------------------------


def _silence(store: Store, body: Body, identity: Mapping[str, Any]) -> dict[str, Any]:
    # Decision 2: full replacement, as for escalation rules. Fields the spec does not define (the
    # vendor CLI sends is_auto_delete) are ignored, as the real server's structs do.
    once = body.get("time_filter")
    return {
        "account_id": store.state["account"]["account_id"],
        "channel_id": body["channel_id"],
        **{name: body.get(name, default) for name, default in SILENCE_DEFAULTS.items()},
        "rule_name": body["rule_name"],
        "time_filters": time_windows(body.get("time_filters")),
        # Decision 10: a recurring rule lists `time_filter: null` (Go's nil pointer), not zeros. A
        # client that takes SilenceRuleItem's `required` literally and expects an object breaks
        # here, loudly; a one-off rule lists `time_filters: []` (as the spec's example does).
        "time_filter": {"start_time": once["start_time"], "end_time": once["end_time"]} if once else None,
        "filters": filter_groups(body["filters"]),
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
    out = public(rule)
    at = now()
    once = rule["time_filter"]
    window_open = (
        once["start_time"] <= at < once["end_time"] if once else _recurring_active(rule["time_filters"], at)
    )
    out["is_effective"] = rule["status"] == "enabled" and window_open
    return out


def silence_create(store: Store, body: Body) -> Data:
    live_channel(store, body["channel_id"])
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
    old = find_rule(store, "silence_rules", body)
    # Decision 3: as for escalation rules; from_incident_id is not part of update and is kept.
    keep = {k: old[k] for k in ("status", "rule_id", "created_at", "from_incident_id", "_seq")}
    store.collection("silence_rules")[old["rule_id"]] = _silence(store, body, keep)
    return None


def silence_list(store: Store, body: Body) -> Data:
    live_channel(store, body["channel_id"])
    return {"items": [_silence_out(r) for r in ordered_rules(store, "silence_rules", body["channel_id"])]}


# ---------------------------------------------------------------------------------------------------
# enable / disable / delete, shared by both rule kinds
# ---------------------------------------------------------------------------------------------------


def _set_status(table: str, status: str) -> Handler:
    def handler(store: Store, body: Body) -> Data:
        rule = find_rule(store, table, body)
        if rule["status"] != status:  # idempotent: enabling an enabled rule succeeds, changes nothing
            rule.update(status=status, updated_at=now(), updated_by=store.state["owner_id"])
        return None

    return handler


def _delete(table: str) -> Handler:
    def handler(store: Store, body: Body) -> Data:
        rule = find_rule(store, table, body)
        del store.collection(table)[rule["rule_id"]]  # a second delete is ResourceNotFound (Q4)
        return None

    return handler


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
