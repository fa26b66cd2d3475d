"""Dynamic resource providers: one per rule kind on a shared base (``base.FlashdutyProvider``)."""

from .base import FlashdutyProvider, ProviderError
from .route import RoutingRuleProvider
from .rules import EscalationRuleProvider, RuleProvider, SilenceRuleProvider

__all__ = [
    "EscalationRuleProvider",
    "FlashdutyProvider",
    "ProviderError",
    "RoutingRuleProvider",
    "RuleProvider",
    "SilenceRuleProvider",
]
