"""The loaded configuration the simulator reads: Flashduty objects as the API returns them.

Built on the response models (``RouteItem``, ``EscalateRuleItem``, ``SilenceRuleItem``,
``ChannelItem``, ``MemberItem``, ``TeamItem``, ``TemplateItem``), so a live read, a Pulumi program's
declared inputs and a snapshot file all land in the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import (
    ChannelItem,
    EscalateRuleItem,
    MemberItem,
    RouteItem,
    SilenceRuleItem,
    TeamItem,
    TemplateItem,
)

__all__ = ["Calendar", "Config", "Schedule", "without_webhook_secrets"]

# Webhook settings that say where to post, not how to authenticate. The simulator needs no more,
# so every other setting (token, secret, verify_token, url...) is dropped as rules are loaded
# and never reaches a snapshot file, a trace or a log.
PUBLIC_WEBHOOK_SETTINGS = frozenset({"alias", "chat_ids", "data_source_id", "severities"})


def without_webhook_secrets(rule: EscalateRuleItem) -> EscalateRuleItem:
    """``rule`` with only the public settings of its webhooks."""
    if not any(layer.target.webhooks for layer in rule.layers):
        return rule
    layers = []
    for layer in rule.layers:
        hooks = [
            w.model_copy(
                update={"settings": {k: v for k, v in w.settings.items() if k in PUBLIC_WEBHOOK_SETTINGS}}
            )
            for w in layer.target.webhooks
        ]
        layers.append(
            layer.model_copy(update={"target": layer.target.model_copy(update={"webhooks": hooks})})
        )
    return rule.model_copy(update={"layers": layers})


@dataclass(frozen=True)
class Schedule:
    """An on-call schedule, by name only: who is on call is not simulated."""

    schedule_id: int
    schedule_name: str


@dataclass(frozen=True)
class Calendar:
    """A service calendar (``cal_id`` of a time window): which dates are workdays.

    ``workdays`` are weekdays (0 = Sunday .. 6 = Saturday); ``off_dates`` and ``work_dates``
    (ISO ``YYYY-MM-DD``) override them for holidays and make-up workdays.
    """

    cal_id: str
    cal_name: str = ""
    workdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    off_dates: tuple[str, ...] = ()
    work_dates: tuple[str, ...] = ()


@dataclass
class Config:
    """Every object one simulation can see.

    ``routes`` by integration ID; ``escalation_rules`` and ``silence_rules`` carry their
    ``channel_id``. ``timezone`` is the IANA zone time windows are read in (None: the zone of the
    alert's own time). Drop rules, inhibit rules and alert pipelines join here as they become
    resources.
    """

    routes: dict[int, RouteItem] = field(default_factory=dict)
    channels: dict[int, ChannelItem] = field(default_factory=dict)
    escalation_rules: list[EscalateRuleItem] = field(default_factory=list)
    silence_rules: list[SilenceRuleItem] = field(default_factory=list)
    members: dict[int, MemberItem] = field(default_factory=dict)
    teams: dict[int, TeamItem] = field(default_factory=dict)
    schedules: dict[int, Schedule] = field(default_factory=dict)
    templates: dict[str, TemplateItem] = field(default_factory=dict)
    calendars: dict[str, Calendar] = field(default_factory=dict)
    timezone: str | None = None

    def channel_name(self, channel_id: int) -> str:
        ch = self.channels.get(channel_id)
        return ch.channel_name if ch is not None and ch.channel_name else str(channel_id)

    def channels_named(self, name: str) -> list[ChannelItem]:
        return [c for c in self.channels.values() if c.channel_name == name]

    def channel_id(self, name_or_id: str | int) -> int | None:
        """The channel a test names: an exact name first, else a numeric ID."""
        text = str(name_or_id)
        named = self.channels_named(text)
        if len(named) == 1:
            return named[0].channel_id
        return int(text) if text.isdigit() else None

    def escalation_for(self, channel_id: int) -> list[EscalateRuleItem]:
        return [r for r in self.escalation_rules if r.channel_id == channel_id]

    def silence_for(self, channel_id: int) -> list[SilenceRuleItem]:
        return [r for r in self.silence_rules if r.channel_id == channel_id]
