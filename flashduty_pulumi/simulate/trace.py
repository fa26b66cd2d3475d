"""What ``Simulator.route(alert, at)`` returns: an explained trace, step by step.

pipeline (alert changes; empty until alert pipelines are resources)
  -> route: each case tried in order (matched or why not), fallthrough, name_mapping, default
  -> per channel: dropped by / silenced by / inhibited by (drop and inhibit rules: not yet
     resources, the fields are there and stay None)
  -> escalation: the rule chosen (rules tried by priority, why each earlier one was skipped)
  -> timeline: who is notified, how, at T+minutes, per layer and repeat
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..models import FilterConditionItem
from .alert import Alert

__all__ = [
    "CaseResult",
    "ChannelOutcome",
    "EscalationTrace",
    "Notification",
    "Recipient",
    "RouteTrace",
    "RuleHit",
    "Skipped",
    "Trace",
]


@dataclass(frozen=True)
class CaseResult:
    """One route case: ``index`` (0-based), whether it matched, and ``reason``: why not (the first
    failing condition, explained only when asked for) or how its channels were found."""

    index: int
    matched: bool
    channel_ids: tuple[int, ...] = ()
    fallthrough: bool = False
    note: str = ""
    failed: FilterConditionItem | None = field(default=None, repr=False, compare=False)
    alert: Alert | None = field(default=None, repr=False, compare=False)

    @property
    def reason(self) -> str:
        if self.matched or self.failed is None or self.alert is None:
            return self.note
        from .match import explain_condition

        return explain_condition("route", self.failed, self.alert) or ""


@dataclass(frozen=True)
class RouteTrace:
    integration_id: int | None
    found: bool  # the integration has a routing rule in the configuration
    cases: tuple[CaseResult, ...] = ()
    default_used: bool = False
    channel_ids: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class RuleHit:
    """A rule that acted on the alert in a channel (silence now; drop and inhibit later)."""

    rule_id: str
    rule_name: str
    detail: str = ""


@dataclass(frozen=True)
class Skipped:
    rule_name: str
    reason: str


@dataclass(frozen=True)
class Recipient:
    """Who a layer names: ``kind`` is member, team, schedule or email.

    ``label`` is what tests compare against (a member's email, else its name; a team's or
    schedule's name; the address); ``resolved`` is False when the ID is not in the configuration.
    ``people`` are the members' labels a team expands to.
    """

    kind: str
    id: str
    label: str
    resolved: bool = True
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notification:
    """One notification round: at ``minute`` after the alert, layer ``layer`` (1-based), the
    ``attempt``-th time (1 = first, then repeats), to ``recipients`` by ``via``."""

    minute: float
    layer: int
    attempt: int
    recipients: tuple[Recipient, ...]
    via: tuple[str, ...]

    def people(self) -> list[str]:
        """Labels of everyone named, teams expanded to their members, in order, without repeats."""
        out: dict[str, None] = {}
        for r in self.recipients:
            for p in r.people or (r.label,):
                out.setdefault(p, None)
        return list(out)


@dataclass(frozen=True)
class EscalationTrace:
    rule_id: str | None  # None: no rule applies, nobody is notified
    rule_name: str | None
    skipped: tuple[Skipped, ...] = ()
    timeline: tuple[Notification, ...] = ()
    delay_seconds: int = 0


@dataclass(frozen=True)
class ChannelOutcome:
    channel_id: int
    channel_name: str
    via: str  # "case 2", "case 2 (name_mapping)", "default"
    dropped_by: RuleHit | None = None
    silenced_by: RuleHit | None = None  # detail "discarded" when is_directly_discard
    inhibited_by: RuleHit | None = None
    escalation: EscalationTrace | None = None  # None when dropped, silenced or inhibited

    @property
    def notified(self) -> bool:
        return self.escalation is not None and bool(self.escalation.timeline)


class _ByChannel(Mapping[str, EscalationTrace]):
    """Escalation per channel, keyed by channel name; a numeric ID works too."""

    def __init__(self, outcomes: tuple[ChannelOutcome, ...]) -> None:
        self._outcomes = outcomes

    def _find(self, key: str | int) -> ChannelOutcome | None:
        for o in self._outcomes:
            if o.channel_name == str(key) or str(o.channel_id) == str(key):
                return o
        return None

    def __getitem__(self, key: str) -> EscalationTrace:
        o = self._find(key)
        if o is None:
            raise KeyError(
                f"channel {key!r} is not routed to (routed: {[x.channel_name for x in self._outcomes]})"
            )
        if o.escalation is None:
            why = "dropped" if o.dropped_by else "silenced" if o.silenced_by else "inhibited"
            raise KeyError(f"channel {key!r} escalates nothing: the alert is {why} there")
        return o.escalation

    def __iter__(self) -> Iterator[str]:
        return (o.channel_name for o in self._outcomes if o.escalation is not None)

    def __len__(self) -> int:
        return sum(1 for o in self._outcomes if o.escalation is not None)


@dataclass(frozen=True)
class Trace:
    alert: Alert
    at: datetime  # the alert's time, aware
    local: datetime  # the same instant in the zone time windows are read in
    route: RouteTrace
    outcomes: tuple[ChannelOutcome, ...] = ()
    pipeline: tuple[str, ...] = field(default=())  # changes alert pipelines made (none yet)

    @property
    def channels(self) -> list[str]:
        """Names of the channels the route sends the alert to (before silence and escalation)."""
        return [o.channel_name for o in self.outcomes]

    @property
    def escalation(self) -> Mapping[str, EscalationTrace]:
        return _ByChannel(self.outcomes)

    @property
    def silenced(self) -> bool:
        return any(o.silenced_by is not None for o in self.outcomes)

    @property
    def dropped(self) -> bool:
        """Nothing reaches any channel: no route, or every channel dropped it."""
        return not self.outcomes or all(o.dropped_by is not None for o in self.outcomes)

    @property
    def inhibited(self) -> bool:
        return any(o.inhibited_by is not None for o in self.outcomes)

    def outcome(self, channel: str | int) -> ChannelOutcome:
        for o in self.outcomes:
            if o.channel_name == str(channel) or str(o.channel_id) == str(channel):
                return o
        raise KeyError(f"channel {channel!r} is not routed to (routed: {self.channels})")

    def first_notified(self, channel: str | int | None = None) -> list[str]:
        """Who is notified first (teams expanded to members) in ``channel`` (optional when the
        alert reaches one channel); [] when nobody is."""
        if channel is None:
            if len(self.outcomes) != 1:
                raise ValueError(
                    f"the alert reaches {len(self.outcomes)} channels; name one: {self.channels}"
                )
            o = self.outcomes[0]
        else:
            o = self.outcome(channel)
        if o.escalation is None or not o.escalation.timeline:
            return []
        return o.escalation.timeline[0].people()

    def __str__(self) -> str:
        from .render import render_trace

        return render_trace(self)
