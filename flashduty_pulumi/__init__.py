"""Flashduty routing, escalation and silence rules as Pulumi resources.

    import flashduty_pulumi as fd

    fd.EscalationRule("oncall", channel_id=fd.lookup_channel("Payments"), rule_name="On-call",
                      template_id=fd.lookup_template("Default"), layers=[...])

Configuration: stack config ``flashduty:appKey`` (secret) and ``flashduty:baseUrl``, else the
environment variables FLASHDUTY_APP_KEY / FLASHDUTY_BASE_URL. The contract of this surface is
docs/resource-contract.md.
"""

from .lookups import LookupFailed, lookup_channel, lookup_member, lookup_team, lookup_template
from .resources import (
    EscalateLayerArgs,
    EscalateTargetArgs,
    EscalationRule,
    FilterConditionArgs,
    NotifyByArgs,
    OnceTimeFilterArgs,
    RouteCaseArgs,
    RouteDefaultArgs,
    RouteMatchConditionArgs,
    RouteSectionArgs,
    RoutingRule,
    SilenceRule,
    TimeFilterArgs,
    WebhookArgs,
)

__all__ = [
    "EscalateLayerArgs",
    "EscalateTargetArgs",
    "EscalationRule",
    "FilterConditionArgs",
    "LookupFailed",
    "NotifyByArgs",
    "OnceTimeFilterArgs",
    "RouteCaseArgs",
    "RouteDefaultArgs",
    "RouteMatchConditionArgs",
    "RouteSectionArgs",
    "RoutingRule",
    "SilenceRule",
    "TimeFilterArgs",
    "WebhookArgs",
    "lookup_channel",
    "lookup_member",
    "lookup_team",
    "lookup_template",
]
