"""The lifecycle of a per-channel rule (escalation, silence, ...): one ``RuleProvider`` over a
``RuleFamily``; each kind is a declaration (``rules.py``).

The parts: the family's endpoints, channel lists, inputs and outputs (``channel_rule_api.py``), the
fences and name claims before writes (``rule_fences.py``), create (``rule_creation.py``); here
read, update and delete.

API calls per operation (enabled rules; the emulator's request log checks these bounds):

- create: create + read back = 2 (+1 disable when ``enabled=False``), plus one list of the channel
  to look for the name, shared by every create of the run in that channel (``NAME_LIST_SECONDS``;
  so 3 for the first rule of a channel, 2 for the others). A rule is identified by channel and
  ``rule_name``, and a create never makes a second rule of a name (see ``rule_creation.py``).
- adopt (``adopt_rule_id``): read (1), update (always: it marks the takeover), enable-disable
  where the live rule differs, read back; the update and read back again a second later when the
  first landed in the second of the rule's last write.
- update: the fence's list of the channel (shared, see ``ownership.py``) + update + read back = 2
  and a share of a list (+1 when ``enabled`` changes; an ``enabled``-only change skips the update
  call). A rename into a name in use in the channel is refused.
- read (refresh): at most 1: the channel's list, shared by the reads of one refresh of every rule
  of that kind in the channel (``ListCache``). A rule deleted outside Pulumi drops out of state.
- delete: the fence's list (shared) + disable + delete = 2 and a share of a list; a rule already
  gone counts as deleted, one taken over by another resource is left in place.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import ReadResult, UpdateResult

from ..client import ResourceNotFound
from .base import ProviderError, plain, reported, warn
from .ownership import Holding, let_go_advice, taken_over
from .rule_creation import CreatingRules
from .rule_fences import GONE_ADVICE


class RuleProvider(CreatingRules):
    """The lifecycle shared by every per-channel rule family."""

    # A replacement only ever moves the rule to another channel (channel_id is the only identity
    # field), where its name cannot clash with the old rule: create the new one first, so the
    # channel is never without it.
    delete_before_replace = False

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
        if self._holding(live, props) is Holding.TAKEN:
            # Taking the live rule into the state would make this resource its holder again.
            warn(
                f"{taken_over(self.kind, id_, self._channel(api))}. The refresh kept this resource's state "
                "as it was: this resource's delete leaves the rule in place and its updates are refused. "
                f"{let_go_advice()}"
            )
            return self.read_result(id_, plain(props))
        return self.read_result(id_, self.outputs(live, own))

    # ---------------------------------------------------------------- update

    @reported("update")
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        changed, _ = self.changed_keys(olds, news)
        api, own = self.split(news)
        channel = self._channel(api)
        if any(k in self.api_fields or k == "enabled" for k in changed):
            renamed = str(api["rule_name"]) if "rule_name" in changed else None
            self._fence(id_, olds, "the update", new_name=renamed)
            if renamed is not None:
                self._rename_claim(channel, str(plain(olds).get("rule_name")), renamed, id_)
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
                f"{self.kind} {id_} no longer exists in channel {channel} (deleted outside Pulumi?). "
                + GONE_ADVICE
            ) from None
        if wrote:
            return UpdateResult(self._read_back(id_, api, own))
        old = {k: v for k, v in olds.items() if k in self.computed_fields}
        return UpdateResult({**old, **api, **own})

    # ---------------------------------------------------------------- delete

    @reported("delete")
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        api, _ = self.split(props)
        if "channel_id" not in api:
            raise ProviderError(f"{self.kind} {id_}: the state holds no channel_id, so it cannot be deleted")
        channel = self._channel(api)
        self._release(channel, str(api.get("rule_name")), id_)
        if self._fence(id_, props, "the delete") is not Holding.HELD:
            return
        self._delete_rule(channel, id_)
