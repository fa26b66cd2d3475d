"""A per-channel rule family as its provider sees it: the family's endpoints, the channel lists
those calls share, and the rule's inputs and outputs.

The endpoints come from the family's declaration (``client.rule_families``); every write goes
through ``_writing``, which drops the channel's cached lists and tells the fences what was written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from typing import Any, ClassVar

from ..client import FlashdutyError
from ..client.rule_families import ChannelRuleItem, RuleFamily
from .base import FlashdutyProvider, own_bool
from .channel_lists import ListCache
from .ownership import FenceLists
from .raw_inputs import canonical_object_id, is_unknown

# How long a channel's rule list answers the name look-ups of further creates (``_same_named``).
# The look-up is there for rules an interrupted earlier run left behind, which exist before this run
# starts; a list fetched during the run sees them all. It must outlast the run: 500 rules take more
# than a minute at 1,000 calls/min, and a list that expired mid-run was fetched again for every
# channel, adding calls to a run already bound by the per-minute limit.
NAME_LIST_SECONDS = 600.0

_OBJECT_ID_CHARS = frozenset("0123456789abcdefABCDEF")

# Keyed by (client, kind, channel).
READ_LISTS = ListCache()
FENCES = FenceLists()


def clear_read_cache() -> None:
    """Drop every cached list (tests that change the server behind the provider's back)."""
    READ_LISTS.clear()
    FENCES.clear()


def _is_object_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 24 and set(value) <= _OBJECT_ID_CHARS


class ChannelRuleAPI(FlashdutyProvider):
    """A provider over one ``RuleFamily``; a subclass declares ``family`` and the family's
    canonical form, and inherits its kind, fields and request model."""

    family: ClassVar[RuleFamily[Any]]
    identity_fields = ("channel_id",)
    own_defaults: ClassVar[dict[str, Any]] = {"enabled": True, "adopt_rule_id": None}
    diff_own_fields = ("enabled",)
    computed_fields = ("rule_id", "status", "created_at", "updated_at")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        family = cls.__dict__.get("family")
        if family is not None:
            cls.kind = family.kind
            cls.api_fields = family.managed_fields
            cls.request_model = family.create_model

    def __init__(self) -> None:
        super().__init__()
        # Channel lists for the name look-ups before creates: one provider instance serves one run
        # (the provider process caches it), and is never pickled with them.
        self._name_lists = ListCache(NAME_LIST_SECONDS)

    # ---------------------------------------------------------------- the family's endpoints

    def api_create(self, api: dict[str, Any], recover: Callable[[FlashdutyError], Any] | None = None) -> str:
        req = self.family.create_model.model_validate(api)
        with self._writing(api["channel_id"], creating=True):
            return self.client.rule_create(self.family, req, recover=recover).rule_id

    def api_update(self, rule_id: str, api: dict[str, Any]) -> None:
        req = self.family.update_model.model_validate({**api, "rule_id": rule_id})
        with self._writing(api["channel_id"], rule_id):
            self.client.rule_update(self.family, req)

    def api_get(self, channel_id: int, rule_id: str) -> ChannelRuleItem | None:
        """The live rule, or None when it does not exist (any more)."""
        item: ChannelRuleItem | None = self.client.rule_get(self.family, channel_id, rule_id)
        return item

    def api_list(self, channel_id: int) -> list[ChannelRuleItem]:
        """Every rule of this family in the channel."""
        return list(self.client.rule_list(self.family, channel_id))

    def api_named(self, channel_id: int, rule_name: str) -> list[ChannelRuleItem]:
        return list(self.client.rules_named(self.family, channel_id, rule_name))

    def api_set_enabled(self, channel_id: int, rule_id: str, enabled: bool) -> None:
        with self._writing(channel_id, rule_id):
            self.client.rule_set_enabled(self.family, channel_id, rule_id, enabled)

    def api_delete(self, channel_id: int, rule_id: str) -> None:
        with self._writing(channel_id, rule_id):
            self.client.rule_delete(self.family, channel_id, rule_id)

    # ---------------------------------------------------------------- channel lists

    def _list_key(self, channel_id: Any) -> tuple[int, str, int]:
        return (id(self.client), self.kind, int(channel_id))

    @contextlib.contextmanager
    def _writing(
        self, channel_id: Any, rule_id: str | None = None, *, creating: bool = False
    ) -> Iterator[None]:
        """Around a write to a channel: its cached lists are dropped before and after, and the fences
        learn that ``rule_id`` was written. A create keeps the name look-up list: the rules this
        process makes are known by ID (the run's claims)."""
        key = self._list_key(channel_id)
        self._forget(key, creating)
        try:
            yield
        finally:
            self._forget(key, creating)
            if rule_id is not None:
                FENCES.wrote(key, rule_id)

    def _forget(self, key: Hashable, creating: bool) -> None:
        READ_LISTS.forget(key)
        if not creating:
            self._name_lists.forget(key)

    def api_refresh_get(self, channel_id: int, rule_id: str) -> ChannelRuleItem | None:
        """The live rule for ``read`` (refresh), found in its channel's list shared by the reads of
        one refresh; None when it does not exist (any more)."""
        key = self._list_key(channel_id)
        items = READ_LISTS.get(key, lambda: self.api_list(channel_id))
        wanted = rule_id.lower()
        return next((r for r in items if r.rule_id.lower() == wanted), None)

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

    def outputs(self, item: ChannelRuleItem, own: dict[str, Any]) -> dict[str, Any]:
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
