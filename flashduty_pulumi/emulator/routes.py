"""Routing rules: one versioned rule per shared integration, upserted whole, never deleted."""

from __future__ import annotations

from typing import Any

from flashduty_pulumi.emulator.errors import ApiError
from flashduty_pulumi.emulator.shapes import Body, Data, check_channels, conditions
from flashduty_pulumi.emulator.store import Store, now


def _integration(store: Store, integration_id: int, field: str = "integration_id") -> dict[str, Any]:
    integration = store.get("integrations", integration_id)
    # Decision 5: an integration that does not exist is ResourceNotFound,
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
        "if": conditions(case["if"]),
        # The spec's RouteItem example shows `"channel_ids": null` for a name_mapping case.
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
        check_channels(store, case.get("channel_ids") or (), f"cases[{i}].channel_ids")
    if body.get("default") is not None:
        check_channels(store, body["default"].get("channel_ids") or (), "default.channel_ids")
    existing = store.get("routes", integration_id)
    sent = body.get("version") or 0
    # Decision 1: optimistic concurrency on a version the client read.
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
    # Decision 12: routes cannot be disabled or deleted through the API
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
    return dict(route) if route else None  # the spec: data is null when no rule is configured


def route_list(store: Store, body: Body) -> Data:
    items = []
    for j, integration_id in enumerate(body["integration_ids"]):
        _integration(store, integration_id, f"integration_ids[{j}]")
        route = store.get("routes", integration_id)
        if route:
            items.append(dict(route))
    return {"items": items}
