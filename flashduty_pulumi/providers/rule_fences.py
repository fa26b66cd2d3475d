"""The checks before a write to a per-channel rule: the fence (does this resource still hold the
rule as it last read it? see ``ownership.py``) and the run's claims on rule names (``claims.py``)."""

from __future__ import annotations

from typing import Any

from .base import ProviderError, plain, warn
from .channel_rule_api import FENCES, ChannelRuleAPI
from .claims import Claims
from .ownership import Holding, changed_outside, judge, let_go_advice, taken_over

# The rules this process made and the names it gave them (tests replace it to play a new process).
CLAIMS = Claims()

GONE_ADVICE = "Run `pulumi refresh` to drop it from the state, then `pulumi up` to create it again."


class FencedRules(ChannelRuleAPI):
    """Fences and name claims for a rule family's writes."""

    def _holding(self, live: Any, state: dict[str, Any]) -> Holding:
        state_api, _ = self.split(state)
        if live is None:
            return Holding.GONE
        return judge(
            self.live_inputs(live.as_inputs()), live.status, live.updated_at, plain(state), state_api
        )

    def _fence(
        self, rule_id: str, state: dict[str, Any], doing: str, *, new_name: str | None = None
    ) -> Holding:
        """Before a write to ``rule_id``: refuse it unless this resource holds the rule as last read.
        Returns ``HELD``; ``GONE`` or ``TAKEN`` only for a delete, which then leaves the rule alone."""
        channel = self._channel(self.split(state)[0])
        key = self._list_key(channel)
        rules = FENCES.rules(key, rule_id, lambda: self.api_list(channel))
        live = next((r for r in rules if r.rule_id.lower() == rule_id.lower()), None)
        holding = self._holding(live, state)
        deleting = doing == "the delete"
        if holding is Holding.CHANGED:
            raise ProviderError(changed_outside(self.kind, rule_id, channel, doing))
        if holding is Holding.TAKEN:
            if deleting:
                warn(
                    f"{taken_over(self.kind, rule_id, channel)}, so it was left in place and only dropped "
                    f"from this stack's state. {let_go_advice()}"
                )
                return holding
            raise ProviderError(
                f"{taken_over(self.kind, rule_id, channel)}, so {doing} was refused and nothing was written. "
                "If the other resource should manage it, remove this one from the program (its delete "
                "leaves the rule in place). If this one should, run `pulumi state delete <urn>` for it and "
                "set adopt_rule_id to the rule's ID."
            )
        if holding is Holding.GONE and not deleting:
            raise ProviderError(
                f"{self.kind} {rule_id} no longer exists in channel {channel} (deleted outside Pulumi?). "
                + GONE_ADVICE
            )
        if new_name is not None:
            clash = [
                r.rule_id for r in rules if r.rule_name == new_name and r.rule_id.lower() != rule_id.lower()
            ]
            if clash:
                raise ProviderError(
                    f"channel {channel} already has a {self.kind} named {new_name!r} "
                    f"({', '.join(clash)}), and "
                    "rule names must be unique in a channel, so the rename was refused and nothing was "
                    "written. Choose another rule_name."
                )
        return holding

    # ---------------------------------------------------------------- the run's claims

    def _reserve(self, channel: int, name: str, holder: str) -> bool:
        """Reserve ``name`` in ``channel`` for ``holder``, unless a rule this run made holds it. The
        reservation only lives in this process, so a hit is confirmed by a look-up (1 call)."""
        earlier = CLAIMS.reserve(self.kind, channel, name, holder)
        if earlier is None:
            return True
        if any(CLAIMS.ours(r.rule_id) for r in self.api_named(channel, name)):
            return False
        CLAIMS.release(self.kind, channel, name, earlier, to=holder)  # that rule is gone or renamed
        return True

    def _release(self, channel: int, name: str, holder: str, *, to: str | None = None) -> None:
        CLAIMS.release(self.kind, channel, name, holder, to=to)

    @staticmethod
    def _ours(rule_id: str) -> bool:
        return CLAIMS.ours(rule_id)

    def _rename_claim(self, channel: int, old: str, new: str, rule_id: str) -> None:
        """An update renames ``rule_id`` to ``new``: refused if another rule of this run holds it."""
        if not self._reserve(channel, new, rule_id.lower()):
            raise ProviderError(
                f"another {self.kind} of this run already holds the name {new!r} in channel {channel}, and "
                "rule names must be unique in a channel, so the rename was refused and nothing was written. "
                "Choose another rule_name."
            )
        CLAIMS.release(self.kind, channel, old, rule_id)

    def _made(self, api: dict[str, Any], rule_id: str) -> None:
        CLAIMS.made(rule_id)
        FENCES.wrote(self._list_key(api["channel_id"]), rule_id)
