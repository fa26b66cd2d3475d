"""Escalation rules: ``/channel/escalate/rule/{create,update,info,list,delete,enable,disable}``.

Updates are full replacements, so the request models fill every optional field with the value the
server would pick (``defaults.py``) and always send it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictBool,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .canonical import MAX_EXACT_INT, SetOf
from .common import (
    Description,
    FilterConditionItem,
    Filters,
    Int64ID,
    Integer,
    NonNegativeInt64,
    Number,
    ObjectID,
    RequestModel,
    ResponseModel,
    RuleList,
    RuleName,
    TimeFilter,
    TimeFilterItem,
    cross_field_error,
)
from .defaults import (
    DEFAULT_DESCRIPTION,
    DEFAULT_ESCALATION_AGGR_WINDOW,
    DEFAULT_ESCALATION_PRIORITY,
    DEFAULT_LAYER_ESCALATE_WINDOW,
    DEFAULT_LAYER_FORCE_ESCALATE,
    DEFAULT_LAYER_MAX_TIMES,
    DEFAULT_LAYER_NOTIFY_STEP,
)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise PydanticCustomError("email", "must be an email address, got '{value}'", {"value": value})
    return value


def _schedule_key(value: Any) -> Any:
    """Schedule IDs key ``schedule_to_role_ids`` as decimal strings (JSON object keys)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.isdigit() or int(value) <= 0:
        raise PydanticCustomError(
            "schedule_id", "must be a schedule ID (a positive integer), got '{value}'", {"value": value}
        )
    return str(int(value))


Email = Annotated[StrictStr, AfterValidator(_email)]
ScheduleKey = Annotated[str, BeforeValidator(_schedule_key)]


# The documented direct-message channels: four plain ones, and an IM app bound to one of the
# account's IM integrations, written ``<app>_app:<integration id>`` (a bare ``feishu`` does not say
# which integration, and the API refuses it).
_BY_PLAIN = frozenset({"email", "sms", "voice", "push"})
_BY_APP = re.compile(r"(feishu|dingtalk|wecom|teams)_app:[0-9]+")


def _by_channel(value: str) -> str:
    if value not in _BY_PLAIN and not _BY_APP.fullmatch(value):
        raise PydanticCustomError(
            "notify_channel",
            "must be email, sms, voice, push or <feishu|dingtalk|wecom|teams>_app:<integration id>, "
            "got '{value}'",
            {"value": value},
        )
    return value


ByChannel = Annotated[StrictStr, AfterValidator(_by_channel)]


class NotifyBy(RequestModel):
    """Direct messages: each person's own preferences, or channels per severity
    (``email``, ``sms``, ``voice``, ``push``, ``feishu_app:<id>``...)."""

    follow_preference: StrictBool = False
    critical: SetOf[ByChannel] = Field(default_factory=list)
    warning: SetOf[ByChannel] = Field(default_factory=list)
    info: SetOf[ByChannel] = Field(default_factory=list)

    @property
    def delivers(self) -> bool:
        return self.follow_preference or bool(self.critical or self.warning or self.info)


# Webhook types, and the settings each one needs (the documented ones; the other types take free
# settings). Group-chat bots post to a URL/token under an alias; IM apps post through one of the
# account's IM integrations (``data_source_id``) to chats (``chat_ids``).
_APP_WEBHOOKS = ("feishu_app", "wecom_app", "dingtalk_app", "slack_app", "teams_app")
_BOT_WEBHOOKS = ("feishu", "wecom", "dingtalk", "zoom", "telegram")
_OTHER_WEBHOOKS = ("slack", "teams", "custom")
WEBHOOK_SETTINGS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_APP_WEBHOOKS, ("data_source_id", "chat_ids")),
    **dict.fromkeys(_BOT_WEBHOOKS, ("token", "alias")),
    "telegram": ("token", "alias", "chat_ids"),
    "zoom": ("token", "alias", "verify_token"),
    **dict.fromkeys(_OTHER_WEBHOOKS, ()),
}


def _webhook_type(value: str) -> str:
    if value not in WEBHOOK_SETTINGS:
        raise PydanticCustomError(
            "webhook_type",
            "must be one of {known}, got '{value}'",
            {"known": ", ".join(sorted(WEBHOOK_SETTINGS)), "value": value},
        )
    return value


def _whole_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < MAX_EXACT_INT:
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def _given(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


class WebhookTarget(RequestModel):
    """A group-chat target: ``type`` (``feishu``, ``dingtalk_app``, ``slack``...) and ``settings``.

    Settings carry tokens: error messages name the missing key, never a value."""

    type: Annotated[StrictStr, AfterValidator(_webhook_type)]
    settings: dict[str, Any]

    @field_validator("settings")
    @classmethod
    def _whole_numbers(cls, settings: dict[str, Any]) -> dict[str, Any]:
        """Whole floats as ints: the engine hands every number over as a float, and settings such as
        ``data_source_id`` are integers to the API."""
        return {k: _whole_numbers(v) for k, v in settings.items()}

    @model_validator(mode="after")
    def _check_settings(self) -> WebhookTarget:
        missing = [name for name in WEBHOOK_SETTINGS[self.type] if not _given(self.settings.get(name))]
        if missing:
            raise cross_field_error(
                f"is required for webhook type {self.type} (needs {', '.join(WEBHOOK_SETTINGS[self.type])})",
                f"settings.{missing[0]}",
            )
        return self


class EscalateTarget(RequestModel):
    """Who is notified (at least one of the four recipient lists) and how (``by`` and/or ``webhooks``)."""

    person_ids: SetOf[Int64ID] | None = None
    team_ids: SetOf[Int64ID] | None = None
    schedule_to_role_ids: dict[ScheduleKey, SetOf[NonNegativeInt64]] | None = None
    emails: SetOf[Email] | None = None
    by: NotifyBy | None = None
    webhooks: list[WebhookTarget] | None = None

    @model_validator(mode="after")
    def _check_target(self) -> EscalateTarget:
        if not (self.person_ids or self.team_ids or self.schedule_to_role_ids or self.emails):
            raise cross_field_error(
                "a target needs at least one recipient: person_ids, team_ids, schedule_to_role_ids or emails"
            )
        if not ((self.by is not None and self.by.delivers) or self.webhooks):
            raise cross_field_error(
                "a target needs a way to deliver: by (follow_preference or channels per severity) or webhooks"
            )
        # Canonical form (what a read-back normalises to): empty lists and a `by` that delivers
        # nothing are left out rather than sent empty; schedules in the order of their IDs.
        for name in ("person_ids", "team_ids", "schedule_to_role_ids", "emails", "webhooks"):
            if not getattr(self, name):
                setattr(self, name, None)
        if self.schedule_to_role_ids:
            self.schedule_to_role_ids = dict(sorted(self.schedule_to_role_ids.items()))
        if self.by is not None and not self.by.delivers:
            self.by = None
        return self


class EscalateLayer(RequestModel):
    """One escalation level."""

    target: EscalateTarget
    max_times: Annotated[Integer, Field(ge=0, le=6)] = DEFAULT_LAYER_MAX_TIMES
    notify_step: Annotated[Number, Field(ge=0.5, le=120)] = DEFAULT_LAYER_NOTIFY_STEP
    escalate_window: Annotated[Integer, Field(ge=0, le=720)] = DEFAULT_LAYER_ESCALATE_WINDOW
    force_escalate: StrictBool = DEFAULT_LAYER_FORCE_ESCALATE


class CreateEscalationRuleRequest(RequestModel):
    """``/channel/escalate/rule/create``."""

    channel_id: Int64ID
    template_id: ObjectID
    rule_name: RuleName
    layers: Annotated[list[EscalateLayer], Field(min_length=1)]
    priority: Annotated[Integer, Field(ge=0, le=200)] = DEFAULT_ESCALATION_PRIORITY
    aggr_window: Annotated[Integer, Field(ge=0, le=3600)] = DEFAULT_ESCALATION_AGGR_WINDOW
    description: Description = DEFAULT_DESCRIPTION
    time_filters: list[TimeFilter] = Field(default_factory=list)
    filters: Filters = Field(default_factory=list)


class UpdateEscalationRuleRequest(CreateEscalationRuleRequest):
    """``/channel/escalate/rule/update``: every field of create plus ``rule_id``; a full replacement."""

    rule_id: ObjectID


# ------------------------------------------------------------------------------- responses


class NotifyByItem(ResponseModel):
    follow_preference: bool = False
    critical: list[str] = Field(default_factory=list)
    warning: list[str] = Field(default_factory=list)
    info: list[str] = Field(default_factory=list)


class WebhookItem(ResponseModel):
    type: str = ""
    settings: dict[str, Any] = Field(default_factory=dict)


class EscalateTargetItem(ResponseModel):
    person_ids: list[int] = Field(default_factory=list)
    team_ids: list[int] = Field(default_factory=list)
    schedule_to_role_ids: dict[str, list[int]] = Field(default_factory=dict)
    emails: list[str] = Field(default_factory=list)
    by: NotifyByItem | None = None
    webhooks: list[WebhookItem] = Field(default_factory=list)


class EscalateLayerItem(ResponseModel):
    target: EscalateTargetItem = Field(default_factory=EscalateTargetItem)
    max_times: int = DEFAULT_LAYER_MAX_TIMES
    notify_step: float = DEFAULT_LAYER_NOTIFY_STEP
    escalate_window: int = DEFAULT_LAYER_ESCALATE_WINDOW
    force_escalate: bool = DEFAULT_LAYER_FORCE_ESCALATE


class EscalateRuleItem(ResponseModel):
    """An escalation rule as read back (``/channel/escalate/rule/info`` data, list items)."""

    rule_id: str
    channel_id: int = 0
    account_id: int = 0
    template_id: str = ""
    rule_name: str = ""
    description: str = DEFAULT_DESCRIPTION
    priority: int = 0
    aggr_window: int = DEFAULT_ESCALATION_AGGR_WINDOW
    layers: list[EscalateLayerItem] = Field(default_factory=list)
    time_filters: list[TimeFilterItem] = Field(default_factory=list)
    filters: list[list[FilterConditionItem]] = Field(default_factory=list)
    status: str = ""
    updated_by: int = 0
    created_at: int = 0
    updated_at: int = 0
    deleted_at: int | None = None
    channel_name: str | None = None

    def as_inputs(self) -> dict[str, Any]:
        """The rule in create-request shape, empty optionals left out, ready to compare with inputs."""
        return {
            "channel_id": self.channel_id,
            "template_id": self.template_id,
            "rule_name": self.rule_name,
            "layers": [_layer_inputs(layer) for layer in self.layers],
            "priority": self.priority,
            "aggr_window": self.aggr_window,
            "description": self.description,
            "time_filters": [time_filter_inputs(tf) for tf in self.time_filters],
            "filters": [[c.model_dump() for c in group] for group in self.filters],
        }


ListEscalationRulesResponse = RuleList[EscalateRuleItem]


def time_filter_inputs(tf: TimeFilterItem) -> dict[str, Any]:
    """A read-back time window in request shape (``repeat`` always, calendar fields only when set)."""
    out: dict[str, Any] = {"start": tf.start, "end": tf.end, "repeat": list(tf.repeat)}
    if tf.cal_id:
        out["cal_id"] = tf.cal_id
        out["is_off"] = tf.is_off
    return out


def _layer_inputs(layer: EscalateLayerItem) -> dict[str, Any]:
    """A read-back layer as sent; the request model leaves out what delivers or names nobody."""
    return layer.model_dump(exclude_none=True)
