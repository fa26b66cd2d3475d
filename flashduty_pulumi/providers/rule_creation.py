"""Creating a per-channel rule exactly once: a rule is identified by channel and ``rule_name``, and a
create never makes a second rule of a name.

- A same-named rule with *identical* settings that this process did not make is taken over instead
  (with a warning and an unchanged rewrite + read back, see ``ownership.py``): the rule an
  interrupted ``pulumi up`` created but never recorded (provider killed, runner lost), which the
  next ``up`` would otherwise duplicate, or the rule of a resource renamed without an alias.
- A name this run already gave a rule in that channel is refused (two resources, one name).
- A same-named rule with different settings (or several) fails the create, naming their rule_ids.
- After an ambiguous failure (``maybe_applied``: 5xx, dropped connection, timeout) the channel is
  looked up again for a rule of that name it did not hold before, and only if there is none is the
  create tried again (within the client's retry budget). After a *timeout* the server may still be
  working on it: the look-up is repeated for up to ``SETTLE_AFTER_TIMEOUT`` seconds and, if the rule
  still has not appeared, the create fails instead of risking a duplicate (the next ``up`` takes the
  rule over if it appears later).
- ``adopt_rule_id`` takes over the rule of that ID, whatever its name.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from pulumi.dynamic import CreateResult

from ..client import FlashdutyError, ResourceNotFound, ServerError, TransportError
from ..client.rule_families import ChannelRuleItem
from .base import ProviderError, reported, warn
from .rule_fences import FencedRules

# After a create timed out, how long to keep looking for the rule before giving up (no re-create).
SETTLE_AFTER_TIMEOUT = 10.0
# After a dropped connection or a proxy's 5xx page, look once more after this pause.
SETTLE_AFTER_DROP = 1.0
_sleep = time.sleep  # tests replace it
# A takeover rewrites the rule until its updated_at (whole seconds) moves; this many writes at most.
TAKE_ATTEMPTS = 3


def _timed_out(exc: FlashdutyError) -> bool:
    """The request was sent and no answer came in time: the server may still be applying it."""
    return isinstance(exc, TransportError) and exc.maybe_applied and "Timeout" in exc.code


def _unanswered(exc: FlashdutyError) -> bool:
    """No answer from the application itself (a dropped connection, a proxy's 502/504 page)."""
    return isinstance(exc, TransportError) or (isinstance(exc, ServerError) and not exc.code)


def _waits(total: float) -> list[float]:
    """Pauses before each look-up: at once, then 0.5, 1, 2, 2, ... seconds, ``total`` in all."""
    out, spent, step = [0.0], 0.0, 0.5
    while spent < total:
        wait = min(step, total - spent)
        out.append(wait)
        spent += wait
        step = min(step * 2, 2.0)
    return out


class CreatingRules(FencedRules):
    """``create`` for a rule family."""

    @reported("create")
    def create(self, props: dict[str, Any]) -> CreateResult:
        api, own = self.split(props)
        if own.get("adopt_rule_id"):
            return self._adopt(api, own)
        channel, name = self._channel(api), str(api["rule_name"])
        holder = uuid.uuid4().hex
        if not self._reserve(channel, name, holder):
            raise ProviderError(
                f"another {self.kind} of this run already created a rule named {name!r} in channel "
                f"{channel}, and rule names must be unique in a channel, so no second one was created. "
                "Give one of the two resources another rule_name."
            )
        try:
            # The run's list of the channel answers "no such name" for every create; a hit is checked
            # again against a fresh list before anything is taken over or refused.
            before = self._same_named(api, shared=True) and self._same_named(api)
            taken = self._take_over(api, own, before) if before else None
            rule_id = taken.id if taken is not None else self._create_once(api)
        except BaseException:
            self._release(channel, name, holder)
            raise
        # The name is now held by the rule (released when it is deleted or renamed in this run).
        self._release(channel, name, holder, to=rule_id)
        if taken is not None:
            return taken
        # From here the rule exists: a failure must not orphan it.
        if not own["enabled"]:
            try:
                self.api_set_enabled(channel, rule_id, False)
            except Exception as exc:
                self._clean_up(channel, rule_id, exc)
        return CreateResult(rule_id, self._read_back(rule_id, api, own))

    def _same_named(self, api: dict[str, Any], *, shared: bool = False) -> list[ChannelRuleItem]:
        """The channel's rules called ``rule_name`` that this process did not make itself; with
        ``shared``, from a list of the channel fetched during this run (``NAME_LIST_SECONDS``)."""
        channel, name = self._channel(api), str(api["rule_name"])
        if shared:
            items = self._name_lists.get(self._list_key(channel), lambda: self.api_list(channel))
            named = [r for r in items if r.rule_name == name]
        else:
            named = self.api_named(channel, name)
        return [r for r in named if not self._ours(r.rule_id)]

    def _take_over(
        self, api: dict[str, Any], own: dict[str, Any], found: list[ChannelRuleItem]
    ) -> CreateResult:
        """The channel already holds a rule of this name: take it over if it is ours in all but the
        state (identical settings), else refuse to create a second one."""
        channel, name = self._channel(api), str(api["rule_name"])
        ids = ", ".join(r.rule_id for r in found)
        if len(found) > 1 or self.live_inputs(found[0].as_inputs()) != api:
            article = "an" if self.kind[0] in "aeiou" else "a"
            several = f"{len(found)} {self.kind}s" if len(found) > 1 else f"{article} {self.kind}"
            raise ProviderError(
                f"channel {channel} already has {several} named {name!r} ({ids}) with other settings, and "
                "rule names must be unique in a channel, so no second one was created. Rename this rule, "
                f"or take the existing one over with adopt_rule_id (its settings are then replaced by "
                "these), or delete it in Flashduty."
            )
        live = found[0]
        warn(
            f"{self.kind} {name!r}: channel {channel} already had an identical rule of that name "
            f"({live.rule_id}) that this resource's state does not hold, so it was taken over instead of "
            "creating a duplicate (an interrupted `pulumi up` leaves such rules). If this resource was "
            "renamed, declare it with `opts=pulumi.ResourceOptions(aliases=[...])` next time. If the rule "
            "is still declared elsewhere, that resource no longer holds it: its delete leaves the rule in "
            "place and its updates are refused; remove it there with `pulumi state delete <urn>` (or "
            "retain_on_delete=True before removing it from the program)."
        )
        return CreateResult(live.rule_id, self._take(live, api, own))

    def _take(self, live: ChannelRuleItem, api: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
        """Take ``live`` over: write ``api`` (and the enabled state) to it even when nothing changes,
        so that its ``updated_at`` moves past what any earlier holder recorded and that holder's
        fence sees the takeover (see ``ownership.py``); return the outputs."""
        channel, rule_id = self._channel(api), live.rule_id
        item: ChannelRuleItem | None = None
        for attempt in range(TAKE_ATTEMPTS):
            if attempt:
                _sleep(1.0)  # updated_at is whole seconds: the next write lands in a later one
            self.api_update(rule_id, api)
            if attempt == 0 and (live.status == "enabled") != own["enabled"]:
                self.api_set_enabled(channel, rule_id, bool(own["enabled"]))
            try:
                item = self.api_get(channel, rule_id)
            except FlashdutyError:
                return self.fallback_outputs(rule_id, api, own)
            if item is None:
                raise ProviderError(
                    f"{self.kind} {rule_id} was deleted in channel {channel} while it was being taken over; "
                    "run `pulumi up` again to create it."
                )
            if item.updated_at > live.updated_at:
                break
        else:
            warn(
                f"{self.kind} {rule_id}: its updated_at did not move when it was taken over, so a resource "
                "that held it before cannot tell: remove that one with `pulumi state delete <urn>`."
            )
        assert item is not None
        return self.outputs(item, own)

    def _create_once(self, api: dict[str, Any]) -> str:
        """Create the rule exactly once, even across ambiguous failures; return its rule_id.

        Called when the channel holds no same-named rule but ours: any that shows up after an
        ambiguous failure is the one the failed attempt made. The client repeats the create (under
        its one retry policy and deadline) only when that look-up finds nothing."""
        channel, name = self._channel(api), str(api["rule_name"])

        def recover(failure: FlashdutyError) -> dict[str, str] | None:
            found = self._find_created(api, failure)
            if found is not None:
                return {"rule_id": found}
            if _timed_out(failure):
                raise ProviderError(
                    f"creating {self.kind} {name!r} in channel {channel} timed out ({failure}), and after "
                    f"{SETTLE_AFTER_TIMEOUT:.0f} s the rule had still not appeared. It was not created "
                    "again, to avoid a duplicate: run `pulumi up` again (if the server applied it meanwhile, "
                    "the rule is found by its name and taken over)."
                )
            return None

        rule_id = self.api_create(api, recover=recover)
        self._made(api, rule_id)
        return rule_id

    def _find_created(self, api: dict[str, Any], last: FlashdutyError) -> str | None:
        """After an ambiguous create: the rule_id of the rule it made after all, or None."""
        channel, name = self._channel(api), str(api["rule_name"])
        if _timed_out(last):
            waits = _waits(SETTLE_AFTER_TIMEOUT)
        elif _unanswered(last):
            waits = [0.0, SETTLE_AFTER_DROP]
        else:
            waits = [0.0]
        for wait in waits:
            _sleep(wait)
            try:
                found = self._same_named(api)
            except FlashdutyError as lookup_exc:
                raise ProviderError(
                    f"creating {self.kind} {name!r} in channel {channel} failed ({last}), and looking it up "
                    f"afterwards failed too ({lookup_exc}). The rule may exist: the next `pulumi up` finds "
                    "it by its name and takes it over."
                ) from None
            if len(found) > 1:  # same-named rules made just now by others too: ours has our content
                found = [r for r in found if self.live_inputs(r.as_inputs()) == api] or found
            if len(found) == 1:
                return found[0].rule_id
            if len(found) > 1:
                ids = ", ".join(r.rule_id for r in found)
                raise ProviderError(
                    f"creating {self.kind} {name!r} in channel {channel} failed ambiguously ({last}), and "
                    f"the channel now holds several new rules of that name ({ids}). Delete the extra ones, "
                    "or adopt one of them with adopt_rule_id."
                )
        return None

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
        return CreateResult(live.rule_id, self._take(live, api, own))
