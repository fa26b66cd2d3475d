"""Routing rules: one versioned, upserted, undeletable rule per shared integration.

API calls per operation (the emulator's request log checks these bounds):

- create: route/info, then upsert (version 0, or the current version when taking over) and a read
  back = 3. Without ``adopt=True`` an existing route that differs is an error: another stack (or
  the console) may own it. An identical one is taken over with a warning: it is what an
  interrupted ``up`` that upserted but never recorded the route leaves behind, or a resource
  renamed without an alias. A takeover (that, or ``adopt=True``) always upserts, even unchanged,
  so the version moves past what an earlier holder recorded: its reset is then refused or skipped.
- update: upsert with the version last read (from the state) + read back = 2. A stale version
  (the route was changed outside Pulumi) fails with a message saying so and how to resolve it;
  nothing is overwritten.
- read (refresh): 1. A route at a later version with the settings this state recorded was taken
  over by another resource: the state is kept as it was (a warning), so a refresh never makes a
  stale holder the holder again.
- delete: ``retain`` (default): 0, and a warning that the route stays; ``reset``: 1 upsert of a
  default-only route (with the version from the state); a route taken over since is left alone.
"""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from ..client import Conflict, FlashdutyError, ResourceNotFound
from ..models import RouteItem, UpsertRouteRequest
from .base import FlashdutyProvider, ProviderError, own_bool, plain, reported, warn
from .raw_inputs import contains_unknown, is_unknown

DELETE_BEHAVIORS = ("retain", "reset")


class RoutingRuleProvider(FlashdutyProvider):
    """``flashduty.RoutingRule``. The resource ID is ``str(integration_id)``."""

    kind = "routing rule"
    api_fields = ("integration_id", "cases", "default", "sections")
    identity_fields = ("integration_id",)
    own_defaults: ClassVar[dict[str, Any]] = {"adopt": False, "delete_behavior": "retain"}
    # ``delete_behavior`` counts as a change (an update with no API call) so that the state, which
    # destroy reads, holds the current choice; ``adopt`` only matters at create.
    diff_own_fields = ("delete_behavior",)
    computed_fields = ("version", "status", "created_at", "updated_at")
    # A replacement moves the route to another integration; the old one is retained or reset after.
    delete_before_replace = False
    request_model = UpsertRouteRequest

    # ---------------------------------------------------------------- inputs and outputs

    def own_inputs(self, props: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        failures: list[tuple[str, str]] = []
        own: dict[str, Any] = {"adopt": own_bool(props, "adopt", False, failures)}
        behavior = props.get("delete_behavior", "retain")
        if not is_unknown(behavior) and behavior not in DELETE_BEHAVIORS:
            failures.append(
                (
                    "delete_behavior",
                    'must be "retain" (leave the route on destroy) or "reset" (rewrite it to a default-only '
                    f"route), got {behavior!r}",
                )
            )
        own["delete_behavior"] = behavior
        return own, failures

    def cross_failures(self, api: dict[str, Any], own: dict[str, Any]) -> list[tuple[str, str]]:
        default = api.get("default")
        if own.get("delete_behavior") != "reset" or contains_unknown(default):
            return []
        ids = default.get("channel_ids") if isinstance(default, dict) else None
        if not ids:
            return [
                (
                    "default.channel_ids",
                    'delete_behavior "reset" rewrites the route on destroy to send every alert to '
                    "default.channel_ids: give at least one default channel",
                )
            ]
        return []

    def outputs(self, item: RouteItem, own: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.live_inputs(item.as_inputs()),
            **own,
            "version": item.version,
            "status": item.status or "enabled",
            "created_at": item.created_at,
            "updated_at": item.updated_at,
        }

    def _read_back(self, integration_id: int, api: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
        try:
            item = self.client.route_info(integration_id)
        except FlashdutyError:
            item = None
        if item is None:  # written, but not readable right now: a later refresh fills the rest
            return {**api, **own, "status": "enabled"}
        return self.outputs(item, own)

    def _stale(
        self, integration_id: int, version: int | None, current: RouteItem | None, doing: str
    ) -> ProviderError:
        now = f", it is now at version {current.version}" if current is not None else ""
        again = "destroy" if doing == "the reset" else "up"
        return ProviderError(
            f"the routing rule of integration {integration_id} was changed outside Pulumi since it was "
            f"last read (this stack expected version {version}{now}), so {doing} was refused and nothing "
            "was overwritten. Run `pulumi refresh` to load the current rule into the state, check "
            f"`pulumi preview`, then run `pulumi {again}` again."
        )

    def _upsert(self, api: dict[str, Any], version: int | None, doing: str) -> None:
        """Upsert with optimistic concurrency; a stale version is an error, unless it comes from
        our own earlier attempt having landed (the client retries an ambiguous upsert)."""
        integration_id = int(api["integration_id"])
        body = {**api, "version": version} if version is not None else dict(api)
        try:
            self.client.route_upsert(UpsertRouteRequest.model_validate(body))
        except Conflict as exc:
            current = None
            with contextlib.suppress(FlashdutyError):
                current = self.client.route_info(integration_id)
            if exc.maybe_applied and current is not None and self.live_inputs(current.as_inputs()) == api:
                return
            raise self._stale(integration_id, version, current, doing) from None

    # ---------------------------------------------------------------- create

    @reported("create")
    def create(self, props: dict[str, Any]) -> CreateResult:
        api, own = self.split(props)
        integration_id = int(api["integration_id"])
        live = self.client.route_info(integration_id)
        exists = live is not None and live.status != "deleted"
        if live is not None and exists:
            identical = self.live_inputs(live.as_inputs()) == api
            if not own["adopt"] and not identical:
                raise ProviderError(
                    f"integration {integration_id} already has a routing rule (version {live.version}) "
                    "that differs from this one; another stack or the Flashduty console may own it, so "
                    "nothing was written. Set adopt=True on this RoutingRule to take it over (its cases, "
                    "default and sections are then replaced by this resource's), or leave it alone."
                )
            if identical and not own["adopt"]:
                warn(
                    f"integration {integration_id} already had exactly this routing rule (version "
                    f"{live.version}) that this resource's state does not hold, so it was taken over "
                    "(an interrupted `pulumi up` leaves such routes). If this resource was renamed, declare "
                    "it with `opts=pulumi.ResourceOptions(aliases=[...])` next time. If another resource "
                    "still declares it, that one no longer holds it: remove it there with `pulumi state "
                    "delete <urn>` (or retain_on_delete=True before removing it from the program)."
                )
        version = live.version if live is not None else 0
        self._upsert(api, version, "creating it")
        return CreateResult(str(integration_id), self._read_back(integration_id, api, own))

    # ---------------------------------------------------------------- read

    @reported("read")
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        api, own = self.split(props)
        integration_id = int(api.get("integration_id", id_))
        try:
            live = self.client.route_info(integration_id)
        except ResourceNotFound:
            live = None
        if live is None or live.status == "deleted":
            return self.gone()
        if self._taken_over(live, props):
            warn(
                f"the routing rule of integration {integration_id} was rewritten with the same settings "
                "after this resource last wrote it: another resource (a renamed one, or one in another "
                "stack) has taken it over. The refresh kept this resource's state as it was: its updates "
                "and resets are refused or skipped. Remove it from this program, or `pulumi state delete "
                "<urn>`."
            )
            return self.read_result(id_, plain(props))
        return self.read_result(id_, self.outputs(live, own))

    def _taken_over(self, live: RouteItem, state: dict[str, Any]) -> bool:
        """A later version with exactly the settings this state recorded: another resource's takeover."""
        recorded = plain(state).get("version")
        if isinstance(recorded, bool) or not isinstance(recorded, (int, float)):
            return False
        return live.version > int(recorded) and self.live_inputs(live.as_inputs()) == self.split(state)[0]

    # ---------------------------------------------------------------- update

    def _state_version(self, integration_id: int, olds: dict[str, Any]) -> int:
        version = olds.get("version")
        if isinstance(version, (int, float)) and not isinstance(version, bool):
            return int(version)
        # The state lacks the version (an earlier read back failed): take the current one.
        current = self.client.route_info(integration_id)
        return current.version if current is not None else 0

    @reported("update")
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        changed, _ = self.changed_keys(olds, news)
        api, own = self.split(news)
        if not any(k in self.api_fields for k in changed):
            old = {k: v for k, v in olds.items() if k in self.computed_fields}
            return UpdateResult({**old, **api, **own})
        integration_id = int(api["integration_id"])
        self._upsert(api, self._state_version(integration_id, olds), "the update")
        return UpdateResult(self._read_back(integration_id, api, own))

    # ---------------------------------------------------------------- delete

    @reported("delete")
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        api, own = self.split(props)
        integration_id = int(api.get("integration_id", id_))
        if own.get("delete_behavior") != "reset":
            warn(
                f"the routing rule of integration {integration_id} was left in Flashduty (delete_behavior "
                '"retain"): the API cannot delete a route, and this stack no longer manages it. Use '
                'delete_behavior="reset" to rewrite it to a default-only route on destroy instead.'
            )
            return
        reset = {
            "integration_id": api["integration_id"],
            "cases": [],
            "sections": [],
            "default": api.get("default"),
        }
        try:
            self._upsert(reset, self._state_version(integration_id, props), "the reset")
        except ResourceNotFound:
            return
        except ProviderError:
            # Refused as stale: was it another resource's takeover (same settings, later version)?
            current = self.client.route_info(integration_id)
            if current is None or not self._taken_over(current, props):
                raise
            warn(
                f"the routing rule of integration {integration_id} was taken over by another resource since "
                "this one last wrote it, so it was not reset, only dropped from this stack's state."
            )
