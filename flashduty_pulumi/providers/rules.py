"""Escalation and silence rules: per-channel objects with create/update/enable/disable/delete.

Both kinds share one lifecycle (``RuleProvider``); the subclasses only name the endpoints.

API calls per operation (enabled rules; the emulator's request log checks these bounds):

- create: create + read back = 2 (+1 disable when ``enabled=False``), plus one list of the channel
  to look for the name, shared by every create of the run in that channel (``NAME_LIST_SECONDS``;
  so 3 for the first rule of a channel, 2 for the others). A rule is identified by channel and
  ``rule_name``, and a create never makes a second rule of a name (see ``RuleProvider.create``):

  * a same-named rule with *identical* settings that this process did not make is taken over
    instead (with a warning and an unchanged rewrite + read back, see ``ownership.py``): the rule an
    interrupted ``pulumi up`` created but never recorded (provider killed, runner lost), which the
    next ``up`` would otherwise duplicate, or the rule of a resource renamed without an alias;
  * a name this run already gave a rule in that channel is refused (two resources, one name);
  * a same-named rule with different settings (or several) fails the create, naming their rule_ids;
  * after an ambiguous failure (``maybe_applied``: 5xx, dropped connection, timeout) the channel is
    looked up again for a rule of that name it did not hold before, and only if there is none is
    the create tried again (within the client's retry budget). After a *timeout* the server may
    still be working on it: the look-up is repeated for up to ``SETTLE_AFTER_TIMEOUT`` seconds and,
    if the rule still has not appeared, the create fails instead of risking a duplicate (the next
    ``up`` takes the rule over if it appears later).
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

import contextlib
import random
import time
import uuid
from collections.abc import Hashable, Iterator
from typing import Any, ClassVar

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from ..client import FlashdutyError, ResourceNotFound, ServerError, TransportError
from ..models import (
    CreateEscalationRuleRequest,
    CreateSilenceRuleRequest,
    EscalateRuleItem,
    SilenceRuleItem,
    UpdateEscalationRuleRequest,
    UpdateSilenceRuleRequest,
)
from .base import FlashdutyProvider, ProviderError, own_bool, plain, reported, warn
from .channel_lists import ListCache
from .claims import Claims
from .normalize import (
    canonical_escalation,
    canonical_object_id,
    canonical_silence,
    contains_unknown,
    escalation_id_paths,
    is_unknown,
    silence_id_paths,
)
from .ownership import FenceLists, Holding, changed_outside, judge, let_go_advice, taken_over

RuleItem = EscalateRuleItem | SilenceRuleItem

# After a create timed out, how long to keep looking for the rule before giving up (no re-create).
SETTLE_AFTER_TIMEOUT = 10.0
# After a dropped connection or a proxy's 5xx page, look once more after this pause.
SETTLE_AFTER_DROP = 1.0
_sleep = time.sleep  # tests replace it
# A takeover rewrites the rule until its updated_at (whole seconds) moves; this many writes at most.
TAKE_ATTEMPTS = 3

_OBJECT_ID_CHARS = frozenset("0123456789abcdefABCDEF")
# How long a channel's rule list answers the name look-ups of further creates (``_same_named``).
# The look-up is there for rules an interrupted earlier run left behind, which exist before this run
# starts; a list fetched during the run sees them all. It must outlast the run: 500 rules take more
# than a minute at 1,000 calls/min, and a list that expired mid-run was fetched again for every
# channel, adding calls to a run already bound by the per-minute limit.
NAME_LIST_SECONDS = 600.0


# Keyed by (client, kind, channel).
_READ_LISTS = ListCache()
_FENCES = FenceLists()


_CLAIMS = Claims()


def _timed_out(exc: FlashdutyError) -> bool:
    """The request was sent and no answer came in time: the server may still be applying it."""
    return isinstance(exc, TransportError) and exc.maybe_applied and "Timeout" in exc.code


def _unanswered(exc: FlashdutyError) -> bool:
    """No answer from the application itself (a dropped connection, a proxy's 502/504 page)."""
    return isinstance(exc, TransportError) or (isinstance(exc, ServerError) and not exc.code)


def clear_read_cache() -> None:
    """Drop every cached list (tests that change the server behind the provider's back)."""
    _READ_LISTS.clear()
    _FENCES.clear()


def _once_end(window: Any) -> int | None:
    """The ``end_time`` of a one-off window as whole seconds, or None when absent, unknown or odd."""
    if not isinstance(window, dict) or contains_unknown(window):
        return None
    end = window.get("end_time")
    if isinstance(end, bool) or not isinstance(end, (int, float)) or not float(end).is_integer():
        return None
    return int(end)


def _waits(total: float) -> list[float]:
    """Pauses before each look-up: at once, then 0.5, 1, 2, 2, ... seconds, ``total`` in all."""
    out, spent, step = [0.0], 0.0, 0.5
    while spent < total:
        wait = min(step, total - spent)
        out.append(wait)
        spent += wait
        step = min(step * 2, 2.0)
    return out


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

    def __init__(self) -> None:
        super().__init__()
        # Channel lists for the name look-ups before creates: one provider instance serves one run
        # (the provider process caches it), and is never pickled with them.
        self._name_lists = ListCache(NAME_LIST_SECONDS)

    # ---------------------------------------------------------------- endpoint hooks

    def api_create(self, api: dict[str, Any]) -> str:
        raise NotImplementedError

    def api_update(self, rule_id: str, api: dict[str, Any]) -> None:
        raise NotImplementedError

    def api_get(self, channel_id: int, rule_id: str) -> RuleItem | None:
        """The live rule, or None when it does not exist (any more)."""
        raise NotImplementedError

    def api_list(self, channel_id: int) -> list[RuleItem]:
        """Every rule of this kind in the channel."""
        raise NotImplementedError

    def api_named(self, channel_id: int, rule_name: str) -> list[RuleItem]:
        raise NotImplementedError

    def api_set_enabled(self, channel_id: int, rule_id: str, enabled: bool) -> None:
        raise NotImplementedError

    def api_delete(self, channel_id: int, rule_id: str) -> None:
        raise NotImplementedError

    # ---------------------------------------------------------------- channel lists

    def _list_key(self, channel_id: Any) -> tuple[int, str, int]:
        return (id(self.client), self.kind, int(channel_id))

    @contextlib.contextmanager
    def _writing(
        self, channel_id: Any, rule_id: str | None = None, *, creating: bool = False
    ) -> Iterator[None]:
        """Around a write to a channel: its cached lists are dropped before and after, and the fences
        learn that ``rule_id`` was written. A create keeps the name look-up list: the rules this
        process makes are known by ID (``_CLAIMS``)."""
        key = self._list_key(channel_id)
        self._forget(key, creating)
        try:
            yield
        finally:
            self._forget(key, creating)
            if rule_id is not None:
                _FENCES.wrote(key, rule_id)

    def _forget(self, key: Hashable, creating: bool) -> None:
        _READ_LISTS.forget(key)
        if not creating:
            self._name_lists.forget(key)

    def api_refresh_get(self, channel_id: int, rule_id: str) -> RuleItem | None:
        """The live rule for ``read`` (refresh), found in its channel's list shared by the reads of
        one refresh; None when it does not exist (any more)."""
        key = self._list_key(channel_id)
        items = _READ_LISTS.get(key, lambda: self.api_list(channel_id))
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

    # ---------------------------------------------------------------- ownership

    def _holding(self, live: RuleItem | None, state: dict[str, Any]) -> Holding:
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
        rules = _FENCES.rules(key, rule_id, lambda: self.api_list(channel))
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
                f"{self.kind} {rule_id} no longer exists in channel {channel} (deleted outside Pulumi?). Run "
                "`pulumi refresh` to drop it from the state, then `pulumi up` to create it again."
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

    def _reserve(self, channel: int, name: str, holder: str) -> bool:
        """Reserve ``name`` in ``channel`` for ``holder``, unless a rule this run made holds it. The
        reservation only lives in this process, so a hit is confirmed by a look-up (1 call)."""
        earlier = _CLAIMS.reserve(self.kind, channel, name, holder)
        if earlier is None:
            return True
        if any(_CLAIMS.ours(r.rule_id) for r in self.api_named(channel, name)):
            return False
        _CLAIMS.release(self.kind, channel, name, earlier, to=holder)  # that rule is gone or renamed
        return True

    def _rename_claim(self, channel: int, old: str, new: str, rule_id: str) -> None:
        """An update renames ``rule_id`` to ``new``: refused if another rule of this run holds it."""
        if not self._reserve(channel, new, rule_id.lower()):
            raise ProviderError(
                f"another {self.kind} of this run already holds the name {new!r} in channel {channel}, and "
                "rule names must be unique in a channel, so the rename was refused and nothing was written. "
                "Choose another rule_name."
            )
        _CLAIMS.release(self.kind, channel, old, rule_id)

    def _made(self, api: dict[str, Any], rule_id: str) -> None:
        _CLAIMS.made(rule_id)
        _FENCES.wrote(self._list_key(api["channel_id"]), rule_id)

    # ---------------------------------------------------------------- create

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
            _CLAIMS.release(self.kind, channel, name, holder)
            raise
        # The name is now held by the rule (released when it is deleted or renamed in this run).
        _CLAIMS.release(self.kind, channel, name, holder, to=rule_id)
        if taken is not None:
            return taken
        # From here the rule exists: a failure must not orphan it.
        if not own["enabled"]:
            try:
                self.api_set_enabled(channel, rule_id, False)
            except Exception as exc:
                self._clean_up(channel, rule_id, exc)
        return CreateResult(rule_id, self._read_back(rule_id, api, own))

    def _same_named(self, api: dict[str, Any], *, shared: bool = False) -> list[RuleItem]:
        """The channel's rules called ``rule_name`` that this process did not make itself; with
        ``shared``, from a list of the channel fetched during this run (``NAME_LIST_SECONDS``)."""
        channel, name = self._channel(api), str(api["rule_name"])
        if shared:
            items = self._name_lists.get(self._list_key(channel), lambda: self.api_list(channel))
            named = [r for r in items if r.rule_name == name]
        else:
            named = self.api_named(channel, name)
        return [r for r in named if not _CLAIMS.ours(r.rule_id)]

    def _take_over(self, api: dict[str, Any], own: dict[str, Any], found: list[RuleItem]) -> CreateResult:
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

    def _take(self, live: RuleItem, api: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
        """Take ``live`` over: write ``api`` (and the enabled state) to it even when nothing changes,
        so that its ``updated_at`` moves past what any earlier holder recorded and that holder's
        fence sees the takeover (see ``ownership.py``); return the outputs."""
        channel, rule_id = self._channel(api), live.rule_id
        item: RuleItem | None = None
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
        ambiguous failure is the one the failed attempt made."""
        channel, name = self._channel(api), str(api["rule_name"])
        policy = self.client.config.retry
        started = time.monotonic()
        attempt = 0
        while True:
            try:
                rule_id = self.api_create(api)
            except FlashdutyError as exc:
                if not exc.maybe_applied:
                    raise
                last = exc
            else:
                self._made(api, rule_id)
                return rule_id
            found = self._find_created(api, last)
            if found is not None:
                self._made(api, found)
                return found
            if _timed_out(last):
                raise ProviderError(
                    f"creating {self.kind} {name!r} in channel {channel} timed out ({last}), and after "
                    f"{SETTLE_AFTER_TIMEOUT:.0f} s the rule had still not appeared. It was not created "
                    "again, to avoid a duplicate: run `pulumi up` again (if the server applied it meanwhile, "
                    "the rule is found by its name and taken over)."
                )
            attempt += 1
            delay = policy.backoff(attempt - 1, random.random)
            if attempt > policy.max_retries or time.monotonic() - started + delay > policy.deadline:
                raise last
            _sleep(delay)

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
        if self._holding(live, props) is Holding.TAKEN:
            # Taking the live rule into the state would make this resource its holder again.
            warn(
                f"{taken_over(self.kind, id_, self._channel(api))}. The refresh kept this resource's state "
                "as it was: this resource's delete leaves the rule in place and its updates are refused. "
                f"{let_go_advice()}"
            )
            kept = plain(props)
            return ReadResult(
                id_=id_, outs=kept, inputs={k: v for k, v in kept.items() if k not in self.computed_fields}
            )
        outs = self.outputs(live, own)
        inputs = {k: v for k, v in outs.items() if k not in self.computed_fields}
        return ReadResult(id_=id_, outs=outs, inputs=inputs)

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
        channel = self._channel(api)
        _CLAIMS.release(self.kind, channel, str(api.get("rule_name")), id_)
        if self._fence(id_, props, "the delete") is not Holding.HELD:
            return
        self._delete_rule(channel, id_)


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
        req = CreateEscalationRuleRequest.model_validate(api)
        with self._writing(api["channel_id"], creating=True):
            return self.client.escalation_rule_create(req).rule_id

    def api_update(self, rule_id: str, api: dict[str, Any]) -> None:
        req = UpdateEscalationRuleRequest.model_validate({**api, "rule_id": rule_id})
        with self._writing(api["channel_id"], rule_id):
            self.client.escalation_rule_update(req)

    def api_get(self, channel_id: int, rule_id: str) -> RuleItem | None:
        return self.client.escalation_rule_info(channel_id, rule_id)

    def api_list(self, channel_id: int) -> list[RuleItem]:
        return list(self.client.escalation_rule_list(channel_id))

    def api_named(self, channel_id: int, rule_name: str) -> list[RuleItem]:
        return list(self.client.escalation_rules_named(channel_id, rule_name))

    def api_set_enabled(self, channel_id: int, rule_id: str, enabled: bool) -> None:
        with self._writing(channel_id, rule_id):
            if enabled:
                self.client.escalation_rule_enable(channel_id, rule_id)
            else:
                self.client.escalation_rule_disable(channel_id, rule_id)

    def api_delete(self, channel_id: int, rule_id: str) -> None:
        with self._writing(channel_id, rule_id):
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
        return [
            (
                "time_filter.end_time",
                f"is in the past (the window ended at {ended}), so the rule would silence nothing: move the "
                "window into the future (unix seconds), or use time_filters for a "
                "recurring window",
            )
        ]

    def api_create(self, api: dict[str, Any]) -> str:
        req = CreateSilenceRuleRequest.model_validate(api)
        with self._writing(api["channel_id"], creating=True):
            return self.client.silence_rule_create(req).rule_id

    def api_update(self, rule_id: str, api: dict[str, Any]) -> None:
        req = UpdateSilenceRuleRequest.model_validate({**api, "rule_id": rule_id})
        with self._writing(api["channel_id"], rule_id):
            self.client.silence_rule_update(req)

    def api_get(self, channel_id: int, rule_id: str) -> RuleItem | None:
        return self.client.silence_rule_get(channel_id, rule_id)

    def api_list(self, channel_id: int) -> list[RuleItem]:
        return list(self.client.silence_rule_list(channel_id))

    def api_named(self, channel_id: int, rule_name: str) -> list[RuleItem]:
        return list(self.client.silence_rules_named(channel_id, rule_name))

    def api_set_enabled(self, channel_id: int, rule_id: str, enabled: bool) -> None:
        with self._writing(channel_id, rule_id):
            if enabled:
                self.client.silence_rule_enable(channel_id, rule_id)
            else:
                self.client.silence_rule_disable(channel_id, rule_id)

    def api_delete(self, channel_id: int, rule_id: str) -> None:
        with self._writing(channel_id, rule_id):
            self.client.silence_rule_delete(channel_id, rule_id)
