"""Look-ups: channels, templates, members and teams from the seed (read-only here)."""

from __future__ import annotations

from flashduty_pulumi.emulator.errors import ApiError
from flashduty_pulumi.emulator.seed import PRESET_TEMPLATE, PRESET_TEMPLATE_ID
from flashduty_pulumi.emulator.shapes import (
    Body,
    Data,
    live_channel,
    matches_query,
    paginate,
    pick,
    sort_items,
)
from flashduty_pulumi.emulator.store import Store


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
    if body.get("channel_name") is not None:  # exact match, takes priority over query (the spec)
        items = [c for c in items if c["channel_name"] == body["channel_name"]]
    else:
        items = [c for c in items if matches_query(body.get("query"), c["channel_name"], c["description"])]
    ordered = sort_items(items, body, ("created_at", "updated_at", "channel_name"), "created_at")
    page, _, _, more = paginate(ordered, body, 100)
    if body.get("is_brief"):
        page = [pick(c, _BRIEF) for c in page]
    return {"items": [dict(c) for c in page], "total": len(items), "has_next_page": more}


def channel_info(store: Store, body: Body) -> Data:
    return dict(live_channel(store, body["channel_id"]))


def template_list(store: Store, body: Body) -> Data:
    # The built-in preset is addressed by its well-known ID and is not listed (it is not stored).
    items = [t for t in store.collection("templates").values() if t["status"] != "deleted"]
    if body.get("is_my_team"):  # the spec: when true, team_ids is ignored
        mine = _my_team_ids(store)
        items = [t for t in items if t["team_id"] in mine]
    elif body.get("team_ids"):
        items = [t for t in items if t["team_id"] in body["team_ids"]]
    if body.get("creator_id") is not None:
        items = [t for t in items if t["creator_id"] == body["creator_id"]]
    items = [t for t in items if matches_query(body.get("query"), t["template_name"])]
    ordered = sort_items(items, body, ("created_at", "updated_at"), "created_at")
    page, _, _, more = paginate(ordered, body, 20)
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
    items = [m for m in items if matches_query(body.get("query"), m["member_name"], m["email"])]
    ordered = sort_items(items, body, ("created_at", "updated_at"), "created_at")
    page, p, limit, _ = paginate(ordered, body, 20)
    return {"p": p, "limit": limit, "total": len(items), "items": [dict(m) for m in page]}


def team_list(store: Store, body: Body) -> Data:
    items = list(store.collection("teams").values())
    if body.get("person_id") is not None:
        items = [t for t in items if body["person_id"] in t["person_ids"]]
    items = [t for t in items if matches_query(body.get("query"), t["team_name"])]
    ordered = sort_items(items, body, ("created_at", "updated_at", "team_name"), "created_at")
    page, p, limit, _ = paginate(ordered, body, 20)
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
