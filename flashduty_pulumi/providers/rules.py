"""Escalation and silence rules: per-channel objects with create/update/enable/disable/delete.

Both kinds share one lifecycle (``RuleProvider``); the subclasses only name the endpoints.

API calls per operation (enabled rules; the emulator's request log checks these bounds):

- create: create + read back = 2 (+1 disable when ``enabled=False``). After an ambiguous failure
  (``maybe_applied``: timeout, 5xx, dropped connection) the rule is looked up by channel and name
  among rules created since the attempt began before creating again, so it is never duplicated.
- adopt (``adopt_rule_id``): read (1), plus update / enable-disable only where the live rule
  differs, plus a read back after any write.
- update: update + read back = 2 (+1 when ``enabled`` changes; an ``enabled``-only change skips
  the update call).
- read (refresh): 1. A rule deleted outside Pulumi drops out of state.
- delete: disable + delete = 2; a rule already gone counts as deleted.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from typing import Any, ClassVar

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from ..client import FlashdutyError, ResourceNotFound
from ..models import (
    CreateEscalationRuleRequest,
    CreateSilenceRuleRequest,
    EscalateRuleItem,
    SilenceRuleItem,
    UpdateEscalationRuleRequest,
    UpdateSilenceRuleRequest,
)
from .base import FlashdutyProvider, ProviderError, own_bool, reported
from .normalize import (
    canonical_escalation,
    canonical_object_id,
    canonical_silence,
    escalation_id_paths,
    is_unknown,
    silence_id_paths,
)

RuleItem = EscalateRuleItem | SilenceRuleItem

# How far the server's clock may lag ours when matching "created since the attempt began".
CLOCK_SKEW_SECONDS = 120
# Create attempts after ambiguous failures (each preceded by a look-up).
CREATE_ATTEMPTS = 3

_OBJECT_ID_CHARS = frozenset("0123456789abcdefABCDEF")
# How long a channel's silence-rule list serves further reads (see ``ListCache``).
LIST_CACHE_SECONDS = 5.0


class ListCache:
    """Per-channel rule lists shared by the reads of one refresh.

    Silence rules can only be read through their channel's list, so a refresh of N rules in one
    channel would list it N times; reads within ``ttl`` seconds share one list instead (concurrent
    readers of a channel wait for the one fetching it). Any write through this process to that
    channel forgets its entry, and a fetch that overlapped a write is not kept.
    """

    def __init__(self, ttl: float = LIST_CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, list[Any]]] = {}
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._generation: dict[Hashable, int] = {}

    def get(self, key: Hashable, fetch: Callable[[], list[Any]]) -> list[Any]:
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                entry = self._entries.get(key)
                generation = self._generation.get(key, 0)
            if entry is not None and time.monotonic() - entry[0] < self.ttl:
                return entry[1]
            items = fetch()
            with self._lock:
                if self._generation.get(key, 0) == generation:
                    self._entries[key] = (time.monotonic(), items)
            return items

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._generation[key] = self._generation.get(key, 0) + 1

    def clear(self) -> None:
        with self._lock:
            for key in self._entries:
                self._generation[key] = self._generation.get(key, 0) + 1
            self._entries.clear()


_SILENCE_LISTS = ListCache()


def clear_read_cache() -> None:
    """Drop every cached list (tests that change the server behind the provider's back)."""
    _SILENCE_LISTS.clear()


def _once_end(window: Any) -> int | None:
    """The ``end_time`` of a one-off window as whole seconds, or None when absent, unknown or odd."""
    end = window.get("end_time") if isinstance(window, dict) else None
    if isinstance(end, bool) or not isinstance(end, (int, float)) or not float(end).is_integer():
        return None
    return int(end)


def _is_object_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 24 and set(value) <= _OBJECT_ID_CHARS


class RuleProvider(FlashdutyProvider):
    """The lifecycle shared by escalation and silence rules."""

    identity_fields = ("channel_id",)
    own_defaults: ClassVar[dict[str, Any]] = {"enabled": True, "adopt_rule_id": None}
    diff_own_fields = ("enabled",)
    computed_fields = ("rule_id", "status", "created_at", "updated_at")
    # A replacement only ever moves the rule to another channel (channel_id is the only identity
    # field), where its name cannot clash with the old rule: create the new one first, so the
    # channel is never without it.
    delete_before_replace = False
    update_model: ClassVar[type[UpdateEscalationRuleRequest] | type[UpdateSilenceRuleRequest]]

    # ---------------------------------------------------------------- endpoint hooks

    def api_create(self, api: dict[str, Any]) -> str:
        raise NotImplementedError

    def api_update(self, rule_id: str, api: dict[str, Any]) -> None:
        raise NotImplementedError

    def api_get(self, channel_id: int, rule_id: str) -> RuleItem | None:
        """The live rule, or None when it does not exist (any more)."""
        raise NotImplementedError

    def api_refresh_get(self, channel_id: int, rule_id: str) -> RuleItem | None:
        """``api_get`` for ``read`` (refresh), which may share work between the rules of a channel."""
        return self.api_get(channel_id, rule_id)

    def api_named(self, channel_id: int, rule_name: str) -> list[RuleItem]:
        raise NotImplementedError

    def api_set_enabled(self, channel_id: int, rule_id: str, enabled: bool) -> None:
        raise NotImplementedError

    def api_delete(self, channel_id: int, rule_id: str) -> None:
        raise NotImplementedError

    # ---------------------------------------------------------------- inputs and outputs

    def own_inputs(self, props: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        failures: list[tuple[str, str]] = []
        own: dict[str, Any] = {"enabled": own_bool(props, "enabled", True, failures)}
        adopt = props.get("adopt_rule_id")
        if adopt is not None:
            if not is_unknown(adopt) and not _is_object_id(adopt):
                reason = f"must be the 24-character hexadecimal rule_id of an existing rule, got {adopt!r}"
                failures.append(("adopt_rule_id", reason))
            own["adopt_rule_id"] = canonical_object_id(adopt)
        return own, failures

    def outputs(self, item: RuleItem, own: dict[str, Any]) -> dict[str, Any]:
        """Outputs from a rule read back: its canonical fields, our own inputs, computed fields."""
        api = self.live_inputs(item.as_inputs())
        own = {**own, "enabled": item.status == "enabled" if item.status else own.get("enabled", True)}
        return {
            **api,
            **own,
            "rule_id": item.rule_id,
            "status": item.status or ("enabled" if own["enabled"] else "disabled"),
            "created_at": item.created_at,
            "updated_at": item.updated_at,
        }

    def fallback_outputs(self, rule_id: str, api: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
        """Outputs when the read back failed after a successful write (a later refresh fills them)."""
        return {**api, **own, "rule_id": rule_id, "status": "enabled" if own["enabled"] else "disabled"}

    @staticmethod
    def _channel(api: dict[str, Any]) -> int:
        return int(api["channel_id"])

    def _read_back(self, rule_id: str, api: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
        try:
            item = self.api_get(self._channel(api), rule_id)
        except FlashdutyError:
            item = None
        return self.outputs(item, own) if item is not None else self.fallback_outputs(rule_id, api, own)

    # ---------------------------------------------------------------- create

    @reported("create")
    def create(self, props: dict[str, Any]) -> CreateResult:
        api, own = self.split(props)
        if own.get("adopt_rule_id"):
            return self._adopt(api, own)
        channel = self._channel(api)
        rule_id = self._create_once(api)
        # From here the rule exists: a failure must not orphan it.
        if not own["enabled"]:
            try:
                self.api_set_enabled(channel, rule_id, False)
            except Exception as exc:
                self._clean_up(channel, rule_id, exc)
        return CreateResult(rule_id, self._read_back(rule_id, api, own))

    def _create_once(self, api: dict[str, Any]) -> str:
        """Create the rule exactly once, even across ambiguous failures; return its rule_id."""
        channel, name = self._channel(api), str(api["rule_name"])
        started = time.time()
        last: FlashdutyError | None = None
        for _ in range(CREATE_ATTEMPTS):
            try:
                return self.api_create(api)
            except FlashdutyError as exc:
                if not exc.maybe_applied:
                    raise
                last = exc
            try:
                found = [
                    r for r in self.api_named(channel, name) if r.created_at >= started - CLOCK_SKEW_SECONDS
                ]
            except FlashdutyError as lookup_exc:
                raise ProviderError(
                    f"creating {self.kind} {name!r} in channel {channel} failed ({last}), and looking it up "
                    f"afterwards failed too ({lookup_exc}). The rule may exist: check the channel in "
                    f"Flashduty, then either delete it or pass its rule_id as adopt_rule_id."
                ) from None
            if len(found) > 1:  # same-named rules made just now by others too: ours has our content
                found = [r for r in found if self.live_inputs(r.as_inputs()) == api] or found
            if len(found) == 1:
                return found[0].rule_id
            if len(found) > 1:
                ids = ", ".join(r.rule_id for r in found)
                raise ProviderError(
                    f"creating {self.kind} {name!r} in channel {channel} failed ambiguously ({last}), and "
                    f"the channel now holds several rules of that name created just now ({ids}). Delete the "
                    f"extra ones, or adopt one of them with adopt_rule_id."
                )
        assert last is not None
        raise last

    def _clean_up(self, channel: int, rule_id: str, cause: Exception) -> None:
        """Undo a create whose follow-up failed, so that a failed create leaves nothing behind."""
        try:
            self._delete_rule(channel, rule_id)
        except Exception as exc:
            raise ProviderError(
                f"{self.kind} {rule_id} was created in channel {channel} but setting it up failed ({cause}), "
                f"and removing it failed too ({exc}). Delete it in Flashduty, or adopt it with "
                f"adopt_rule_id={rule_id!r}."
            ) from None
        raise ProviderError(f"{self.kind} could not be set up (nothing was left behind): {cause}") from None

    def _adopt(self, api: dict[str, Any], own: dict[str, Any]) -> CreateResult:
        channel = self._channel(api)
        rule_id = str(own["adopt_rule_id"])
        try:
            live = self.api_get(channel, rule_id)
        except ResourceNotFound:
            live = None
        if live is None:
            raise ProviderError(
                f"adopt_rule_id {rule_id}: channel {channel} has no {self.kind} with that rule_id. Check "
                "the ID (and channel_id), or remove adopt_rule_id to create a new rule."
            )
        rule_id = live.rule_id
        wrote = False
        if self.live_inputs(live.as_inputs()) != api:
            self.api_update(rule_id, api)
            wrote = True
        if (live.status == "enabled") != own["enabled"]:
            self.api_set_enabled(channel, rule_id, bool(own["enabled"]))
            wrote = True
        outs = self._read_back(rule_id, api, own) if wrote else self.outputs(live, own)
        return CreateResult(rule_id, outs)

    # ---------------------------------------------------------------- read

    @reported("read")
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        api, own = self.split(props)
        if "channel_id" not in api:
            raise ProviderError(
                f"{self.kind} {id_}: the state holds no channel_id, so the rule cannot be read. "
                "Import is not supported for dynamic resources; use adopt_rule_id instead."
            )
        try:
            live = self.api_refresh_get(self._channel(api), id_)
        except ResourceNotFound:
            live = None
        if live is None:
            return self.gone()
        outs = self.outputs(live, own)
        inputs = {k: v for k, v in outs.items() if k not in self.computed_fields}
        return ReadResult(id_=id_, outs=outs, inputs=inputs)

    # ---------------------------------------------------------------- update

    @reported("update")
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        changed, _ = self.changed_keys(olds, news)
        api, own = self.split(news)
        channel = self._channel(api)
        wrote = False
        try:
            if any(k in self.api_fields for k in changed):
                self.api_update(id_, api)
                wrote = True
            if "enabled" in changed:
                self.api_set_enabled(channel, id_, bool(own["enabled"]))
                wrote = True
        except ResourceNotFound:
            raise ProviderError(
                f"{self.kind} {id_} no longer exists in channel {channel} (deleted outside Pulumi?). Run "
                "`pulumi refresh` to drop it from the state, then `pulumi up` to create it again."
            ) from None
        if wrote:
            return UpdateResult(self._read_back(id_, api, own))
        old = {k: v for k, v in olds.items() if k in self.computed_fields}
        return UpdateResult({**old, **api, **own})

    # ---------------------------------------------------------------- delete

    def _delete_rule(self, channel: int, rule_id: str) -> None:
        """Disable, then delete; a rule (or channel) already gone counts as deleted."""
        try:
            self.api_set_enabled(channel, rule_id, False)
        except ResourceNotFound:
            return
        try:
            self.api_delete(channel, rule_id)
        except ResourceNotFound:
            return

    @reported("delete")
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        api, _ = self.split(props)
        if "channel_id" not in api:
            raise ProviderError(f"{self.kind} {id_}: the state holds no channel_id, so it cannot be deleted")
        self._delete_rule(self._channel(api), id_)


class EscalationRuleProvider(RuleProvider):
    """``flashduty.EscalationRule``."""

    kind = "escalation rule"
    api_fields = (
        "channel_id",
        "rule_name",
        "template_id",
        "layers",
        "priority",
        "aggr_window",
        "description",
        "filters",
        "time_filters",
    )
    request_model = CreateEscalationRuleRequest
    update_model = UpdateEscalationRuleRequest

    def canonical(self, body: dict[str, Any]) -> dict[str, Any]:
        return canonical_escalation(body)

    def id_paths(self, body: Any) -> Any:
        return escalation_id_paths(body)

    def api_create(self, api: dict[str, Any]) -> str:
        return self.client.escalation_rule_create(CreateEscalationRuleRequest.model_validate(api)).rule_id

    def api_update(self, rule_id: str, api: dict[str, Any]) -> None:
        req = UpdateEscalationRuleRequest.model_validate({**api, "rule_id": rule_id})
        self.client.escalation_rule_update(req)

    def api_get(self, channel_id: int, rule_id: str) -> RuleItem | None:
        return self.client.escalation_rule_info(channel_id, rule_id)

    def api_named(self, channel_id: int, rule_name: str) -> list[RuleItem]:
        return list(self.client.escalation_rules_named(channel_id, rule_name))

    def api_set_enabled(self, channel_id: int, rule_id: str, enabled: bool) -> None:
        if enabled:
            self.client.escalation_rule_enable(channel_id, rule_id)
        else:
            self.client.escalation_rule_disable(channel_id, rule_id)

    def api_delete(self, channel_id: int, rule_id: str) -> None:
        self.client.escalation_rule_delete(channel_id, rule_id)


class SilenceRuleProvider(RuleProvider):
    """``flashduty.SilenceRule``. The API has no info endpoint: a rule is read through the list."""

    kind = "silence rule"
    api_fields = (
        "channel_id",
        "rule_name",
        "filters",
        "time_filter",
        "time_filters",
        "priority",
        "description",
        "is_directly_discard",
    )
    request_model = CreateSilenceRuleRequest
    update_model = UpdateSilenceRuleRequest

    def canonical(self, body: dict[str, Any]) -> dict[str, Any]:
        return canonical_silence(body)

    def id_paths(self, body: Any) -> Any:
        return silence_id_paths(body)

    def change_failures(self, olds: dict[str, Any], api: dict[str, Any]) -> list[tuple[str, str]]:
        """A one-off window that has already ended silences nothing: almost certainly a mistake (a
        date from last year, a copy-pasted example). It is refused when the window is new (a
        create) or changed; a window that was accepted earlier and has expired since is left alone,
        so the rule can still be refreshed, updated in other fields and destroyed."""
        end = _once_end(api.get("time_filter"))
        if end is None or end > time.time() or _once_end(olds.get("time_filter")) == end:
            return []
        ended = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(end))
        return [(
            "time_filter.end_time",
            f"is in the past (the window ended at {ended}), so the rule would silence nothing: move the "
            "window into the future (unix seconds), or use time_filters for a "
            "recurring window",
        )]

    @contextlib.contextmanager
    def _writing(self, channel_id: Any) -> Iterator[None]:
        """Around a write to a channel: its cached list is dropped before and after."""
        key = (id(self.client), int(channel_id))
        _SILENCE_LISTS.forget(key)
        try:
            yield
        finally:
            _SILENCE_LISTS.forget(key)

    def api_create(self, api: dict[str, Any]) -> str:
        with self._writing(api["channel_id"]):
            return self.client.silence_rule_create(CreateSilenceRuleRequest.model_validate(api)).rule_id

    def api_update(self, rule_id: str, api: dict[str, Any]) -> None:
        req = UpdateSilenceRuleRequest.model_validate({**api, "rule_id": rule_id})
        with self._writing(api["channel_id"]):
            self.client.silence_rule_update(req)

    def api_get(self, channel_id: int, rule_id: str) -> RuleItem | None:
        return self.client.silence_rule_get(channel_id, rule_id)

    def api_refresh_get(self, channel_id: int, rule_id: str) -> RuleItem | None:
        client = self.client
        key = (id(client), int(channel_id))
        items = _SILENCE_LISTS.get(key, lambda: client.silence_rule_list(channel_id))
        wanted = rule_id.lower()
        return next((r for r in items if r.rule_id.lower() == wanted), None)

    def api_named(self, channel_id: int, rule_name: str) -> list[RuleItem]:
        return list(self.client.silence_rules_named(channel_id, rule_name))

    def api_set_enabled(self, channel_id: int, rule_id: str, enabled: bool) -> None:
        with self._writing(channel_id):
            if enabled:
                self.client.silence_rule_enable(channel_id, rule_id)
            else:
                self.client.silence_rule_disable(channel_id, rule_id)

    def api_delete(self, channel_id: int, rule_id: str) -> None:
        with self._writing(channel_id):
            self.client.silence_rule_delete(channel_id, rule_id)
