"""The notification timeline of an escalation rule, assuming nobody acknowledges.

Choices, all here:
- T+0 is when the alert arrives; ``aggr_window`` (seconds, the delay window) shifts every
  notification later.
- A layer starts when the previous one's ``escalate_window`` (minutes) ends; the first at T+0.
- Within a layer: the first notification at its start, then up to ``max_times`` repeats every
  ``notify_step`` minutes; a repeat that would fall at or after the layer's escalate_window is not
  sent (the next layer has taken over). The last layer has no next one, so all its repeats are sent.
- How: ``by`` per severity (``critical``/``warning``/``info`` lists), "preference" when
  ``follow_preference``; group chats as ``webhook:<type>``.
"""

from __future__ import annotations

from ..models import EscalateLayerItem, EscalateRuleItem
from .alert import Alert
from .config import Config
from .trace import Notification, Recipient

__all__ = ["recipients", "timeline"]


def recipients(layer: EscalateLayerItem, config: Config) -> tuple[Recipient, ...]:
    t = layer.target
    out: list[Recipient] = []
    for pid in t.person_ids:
        m = config.members.get(pid)
        label = (m.email or m.member_name) if m is not None else str(pid)
        out.append(Recipient("member", str(pid), label or str(pid), m is not None))
    for tid in t.team_ids:
        team = config.teams.get(tid)
        if team is None:
            out.append(Recipient("team", str(tid), str(tid), False))
            continue
        people = tuple(
            (m.email or m.member_name or str(p)) if (m := config.members.get(p)) is not None else str(p)
            for p in team.person_ids
        )
        out.append(Recipient("team", str(tid), team.team_name or str(tid), True, people))
    for sid in t.schedule_to_role_ids:
        sched = config.schedules.get(int(sid)) if sid.isdigit() else None
        out.append(Recipient("schedule", sid, sched.schedule_name if sched else sid, sched is not None))
    out += [Recipient("email", e, e) for e in t.emails]
    return tuple(out)


def _via(layer: EscalateLayerItem, severity: str) -> tuple[str, ...]:
    t = layer.target
    via: list[str] = []
    if t.by is not None:
        if t.by.follow_preference:
            via.append("preference")
        else:
            via += getattr(t.by, severity.lower(), []) if severity in ("Critical", "Warning", "Info") else []
    via += [f"webhook:{w.type}" for w in t.webhooks]
    if t.emails and "email" not in via:
        via.append("email")
    return tuple(via)


def timeline(rule: EscalateRuleItem, alert: Alert, config: Config) -> tuple[Notification, ...]:
    out: list[Notification] = []
    start = rule.aggr_window / 60.0
    for n, layer in enumerate(rule.layers, start=1):
        who = recipients(layer, config)
        via = _via(layer, alert.severity)
        last = n == len(rule.layers)
        for attempt in range(layer.max_times + 1):
            offset = attempt * layer.notify_step
            if attempt and not last and offset >= layer.escalate_window:
                break
            out.append(Notification(start + offset, n, attempt + 1, who, via))
        start += layer.escalate_window
    return tuple(out)
