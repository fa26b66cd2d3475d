"""Per-channel rule families: one declaration each, read by the client and the providers.

A family is a kind of rule that lives in a channel and shares one set of endpoints under a path
(``<path>/create|update|info|list|delete|enable|disable``), a create and an update request model
(the update is the create plus ``rule_id``: a full replacement) and a list item model. The
client's ``rule_*`` methods and ``providers.channel_rules.ChannelRuleProvider`` work over any
family, so a new one (inhibit, drop) is a declaration here plus its models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from ..models import (
    CreateEscalationRuleRequest,
    CreateSilenceRuleRequest,
    EscalateRuleItem,
    RequestModel,
    ResponseModel,
    RuleList,
    SilenceRuleItem,
    UpdateEscalationRuleRequest,
    UpdateSilenceRuleRequest,
)


class ChannelRuleItem(Protocol):
    """What every family's list item carries."""

    @property
    def rule_id(self) -> str: ...
    @property
    def rule_name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def created_at(self) -> int: ...
    @property
    def updated_at(self) -> int: ...

    def as_inputs(self) -> dict[str, Any]:
        """The rule in create-request shape."""
        ...


ItemT = TypeVar("ItemT", bound=ResponseModel)


@dataclass(frozen=True)
class RuleFamily(Generic[ItemT]):
    """One per-channel rule family."""

    kind: str  # what users read in messages: "escalation rule"
    path: str  # the endpoints' common prefix: "/channel/escalate/rule"
    create_model: type[RequestModel]
    update_model: type[RequestModel]
    item_model: type[ItemT]
    # Create-request fields the resource does not manage (sent only by other tools).
    unmanaged: tuple[str, ...] = ()
    # Without an info endpoint, one rule is read through the channel's list.
    has_info: bool = True

    def endpoint(self, operation: str) -> str:
        return f"{self.path}/{operation}"

    @property
    def list_model(self) -> type[RuleList[ItemT]]:
        return RuleList[self.item_model]  # type: ignore[name-defined]

    @property
    def managed_fields(self) -> tuple[str, ...]:
        """The fields a resource of this family sends, in the request model's order."""
        return tuple(f for f in self.create_model.model_fields if f not in self.unmanaged)


ESCALATION_RULES = RuleFamily(
    kind="escalation rule",
    path="/channel/escalate/rule",
    create_model=CreateEscalationRuleRequest,
    update_model=UpdateEscalationRuleRequest,
    item_model=EscalateRuleItem,
)

SILENCE_RULES = RuleFamily(
    kind="silence rule",
    path="/channel/silence/rule",
    create_model=CreateSilenceRuleRequest,
    update_model=UpdateSilenceRuleRequest,
    item_model=SilenceRuleItem,
    # is_auto_delete is newer than the official spec; from_incident_id belongs to quick silences.
    unmanaged=("is_auto_delete", "from_incident_id"),
    has_info=False,
)
