"""Per-service rules, generated: one escalation rule per service listed in services.yaml, a quiet-hours
silence for services that want one, and a catch-all rule for everything else.

Why generate: twenty services with hand-written rules drift apart; a table of services keeps every
rule the same shape, and a review of a one-line YAML change is easy. `pulumi preview` shows exactly
which rules an edit touches.

Rules are matched by priority (lower first, the first match wins), so each service's rule gets a
priority from its position in the file and the catch-all gets the last one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import yaml

import flashduty_pulumi as fd

spec: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "services.yaml").read_text())

channel_id = fd.lookup_channel(spec["channel"])
template_id = fd.lookup_template(spec["template"])

# Look each person and team up once, however many services name them.
members: dict[str, int] = {}
teams: dict[str, int] = {}


def member(email: str) -> int:
    if email not in members:
        members[email] = fd.lookup_member(email)
    return members[email]


def team(name: str) -> int:
    if name not in teams:
        teams[name] = fd.lookup_team(name)
    return teams[name]


# Direct messages per severity: phone calls only for Critical.
BY_SEVERITY: fd.NotifyByArgs = {"critical": ["voice", "sms"], "warning": ["sms"], "info": ["email"]}

rule_ids: dict[str, pulumi.Output[str]] = {}
for position, (service, svc) in enumerate(spec["services"].items()):
    # Layer 1: the owners; layer 2 (optional): their team, if nobody acknowledged in time.
    layers: list[fd.EscalateLayerArgs] = [
        {
            "target": {"person_ids": [member(e) for e in svc["owners"]], "by": BY_SEVERITY},
            "escalate_window": 15,
        }
    ]
    if svc.get("team"):
        layers.append({"target": {"team_ids": [team(svc["team"])], "by": {"follow_preference": True}}})

    rule = fd.EscalationRule(
        f"{service}-escalation",
        channel_id=channel_id,
        rule_name=f"{service} on-call",  # at most 39 characters
        description=f"Generated from services.yaml for the {service} service.",
        template_id=template_id,
        priority=10 + position,
        aggr_window=svc.get("aggr_window", 0),
        filters=[
            [
                {"key": "labels.service", "oper": "IN", "vals": [service]},
                {"key": "severity", "oper": "IN", "vals": svc["page_on"]},
            ]
        ],
        layers=layers,
    )
    rule_ids[service] = rule.rule_id

    if quiet := svc.get("quiet_hours"):
        fd.SilenceRule(
            f"{service}-quiet-hours",
            channel_id=channel_id,
            rule_name=f"{service} quiet hours",
            time_filters=[{"start": quiet["start"], "end": quiet["end"]}],
            # Everything from this service except Critical is muted in the window.
            filters=[
                [
                    {"key": "labels.service", "oper": "IN", "vals": [service]},
                    {"key": "severity", "oper": "NOTIN", "vals": ["Critical"]},
                ]
            ],
        )

# The catch-all: no filters means "every incident the rules above did not take".
catch_all = fd.EscalationRule(
    "catch-all",
    channel_id=channel_id,
    rule_name="Unlisted services",
    template_id=template_id,
    priority=200,
    layers=[{"target": {"team_ids": [team(spec["fallback_team"])], "by": {"follow_preference": True}}}],
)

pulumi.export("channel_id", channel_id)
pulumi.export("escalation_rule_ids", rule_ids)
pulumi.export("catch_all_rule_id", catch_all.rule_id)
