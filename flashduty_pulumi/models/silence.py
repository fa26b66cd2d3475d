"""Silence rules: ``/channel/silence/rule/{create,update,list,delete,enable,disable}``.

There is no info endpoint: read one rule by listing the channel's rules.
Exactly one of ``time_filter`` (one-off window) and ``time_filters`` (recurring windows) is sent,
and ``filters`` must not be empty.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictBool, model_validator

from .common import (
    Description,
    FilterConditionItem,
    Filters,
    Int64ID,
    Integer,
    ObjectID,
    OnceTimeFilter,
    OnceTimeFilterItem,
    RequestModel,
    ResponseModel,
    RuleList,
    RuleName,
    TimeFilter,
    TimeFilterItem,
    cross_field_error,
)
from .defaults import DEFAULT_DESCRIPTION, DEFAULT_SILENCE_IS_DIRECTLY_DISCARD, DEFAULT_SILENCE_PRIORITY
from .escalation import time_filter_inputs


class _SilenceFields(RequestModel):
    channel_id: Int64ID
    rule_name: RuleName
    filters: Annotated[Filters, Field(min_length=1)]
    time_filter: OnceTimeFilter | None = None
    time_filters: list[TimeFilter] | None = None
    priority: Annotated[Integer, Field(ge=0)] = DEFAULT_SILENCE_PRIORITY
    description: Description = DEFAULT_DESCRIPTION
    is_directly_discard: StrictBool = DEFAULT_SILENCE_IS_DIRECTLY_DISCARD
    # Newer than the official spec (the CLI and newer docs have it): delete the rule once its
    # window has passed. Sent only when true (false is the server's default), so bodies for the
    # common case carry no field the official spec lacks.
    is_auto_delete: StrictBool | None = None

    @model_validator(mode="after")
    def _check_window(self) -> _SilenceFields:
        has_once = self.time_filter is not None
        has_recurring = bool(self.time_filters)
        if has_once and has_recurring:
            raise cross_field_error(
                "give either time_filter (a one-off window) or time_filters (recurring windows), not both",
                "time_filters",
            )
        if not (has_once or has_recurring):
            raise cross_field_error(
                "a silence rule needs a window: time_filter (one-off) or time_filters (recurring)",
                "time_filter",
            )
        if has_once:
            self.time_filters = None  # an empty list next to a one-off window means nothing; don't send it
        if self.is_auto_delete is False:
            self.is_auto_delete = None
        return self


class CreateSilenceRuleRequest(_SilenceFields):
    """``/channel/silence/rule/create``. ``from_incident_id``: the incident a quick silence came from."""

    from_incident_id: ObjectID | None = None


class UpdateSilenceRuleRequest(_SilenceFields):
    """``/channel/silence/rule/update``: a full replacement; ``from_incident_id`` cannot change."""

    rule_id: ObjectID


# ------------------------------------------------------------------------------- responses


class SilenceRuleItem(ResponseModel):
    """A silence rule as listed. A recurring rule's ``time_filter`` may be null or all zeros."""

    rule_id: str
    channel_id: int = 0
    account_id: int = 0
    rule_name: str = ""
    description: str = DEFAULT_DESCRIPTION
    priority: int = DEFAULT_SILENCE_PRIORITY
    filters: list[list[FilterConditionItem]] = Field(default_factory=list)
    time_filter: OnceTimeFilterItem | None = None
    time_filters: list[TimeFilterItem] = Field(default_factory=list)
    is_directly_discard: bool = DEFAULT_SILENCE_IS_DIRECTLY_DISCARD
    is_auto_delete: bool | None = None
    from_incident_id: str | None = None
    status: str = ""
    is_effective: bool = False
    updated_by: int = 0
    created_at: int = 0
    updated_at: int = 0
    deleted_at: int | None = None

    @property
    def once_window(self) -> OnceTimeFilterItem | None:
        """The one-off window, or None for a recurring rule (null and all-zero both mean "none")."""
        if self.time_filter is not None and self.time_filter.is_set:
            return self.time_filter
        return None

    def as_inputs(self) -> dict[str, Any]:
        """The rule in create-request shape (without ``from_incident_id``), ready to compare."""
        out: dict[str, Any] = {
            "channel_id": self.channel_id,
            "rule_name": self.rule_name,
            "filters": [[c.model_dump() for c in group] for group in self.filters],
            "priority": self.priority,
            "description": self.description,
            "is_directly_discard": self.is_directly_discard,
        }
        once = self.once_window
        if once is not None:
            out["time_filter"] = {"start_time": once.start_time, "end_time": once.end_time}
        else:
            out["time_filters"] = [time_filter_inputs(tf) for tf in self.time_filters]
        if self.is_auto_delete:
            out["is_auto_delete"] = True
        return out


ListSilenceRulesResponse = RuleList[SilenceRuleItem]
