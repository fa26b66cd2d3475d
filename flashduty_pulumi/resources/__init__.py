"""The resources users write and their typed nested inputs."""

from .args import (
    EscalateLayerArgs,
    EscalateTargetArgs,
    FilterConditionArgs,
    IdInput,
    NotifyByArgs,
    OnceTimeFilterArgs,
    RouteCaseArgs,
    RouteDefaultArgs,
    RouteMatchConditionArgs,
    RouteSectionArgs,
    TimeFilterArgs,
    WebhookArgs,
)
from .rule_resources import EscalationRule, RoutingRule, SilenceRule

__all__ = [
    "EscalateLayerArgs",
    "EscalateTargetArgs",
    "EscalationRule",
    "FilterConditionArgs",
    "IdInput",
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
]
