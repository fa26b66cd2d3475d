"""Typed nested inputs: TypedDicts for IDE completion and type checking; plain dicts at runtime.

Field names are the API's own (snake_case). Every value may be a ``pulumi.Input`` (a plain value,
an ``Output`` or an awaitable). Int64 IDs may be given as ``int`` or as a decimal string; an ID of
2**53 or more must be a string (Pulumi carries numbers as float64, which would round it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Union

import pulumi
from typing_extensions import Required, TypedDict

# An int64 ID: a number, or a decimal string (required from 2**53 on).
IdInput = Union[int, str]  # noqa: UP007 (a runtime alias; must work on Python 3.10)

__all__ = [
    "EscalateLayerArgs",
    "EscalateTargetArgs",
    "FilterConditionArgs",
    "IdInput",
    "NotifyByArgs",
    "OnceTimeFilterArgs",
    "RouteCaseArgs",
    "RouteDefaultArgs",
    "RouteMatchConditionArgs",
    "RouteSectionArgs",
    "TimeFilterArgs",
    "WebhookArgs",
]


class FilterConditionArgs(TypedDict):
    """``{key, oper, vals}``: ``oper`` is ``"IN"`` (any value matches) or ``"NOTIN"`` (none does).

    ``vals`` entries: an exact string, a wildcard (``*``, ``?``), ``/regex/``, ``cidr:10.0.0.0/8``
    or ``num:gt:N`` (``ge``, ``lt``, ``le``). Keys: ``severity``, ``title``, ``labels.<name>``...
    """

    key: Required[pulumi.Input[str]]
    oper: Required[pulumi.Input[str]]
    vals: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]


# A route case's ``if`` conditions have the same shape (one AND list).
RouteMatchConditionArgs = FilterConditionArgs

# ``if`` is a Python keyword, hence the functional form.
RouteCaseArgs = TypedDict(
    "RouteCaseArgs",
    {
        "if": Required[pulumi.Input[Sequence[pulumi.Input[FilterConditionArgs]]]],
        "channel_ids": pulumi.Input[Sequence[pulumi.Input[IdInput]]],
        "fallthrough": pulumi.Input[bool],
        "routing_mode": pulumi.Input[str],
        "name_mapping_label": pulumi.Input[str],
    },
    total=False,
)
RouteCaseArgs.__doc__ = """One branch of a route, evaluated top to bottom.

``routing_mode`` ``"standard"`` (default) sends to ``channel_ids``; ``"name_mapping"`` takes the
channel name from the label ``name_mapping_label`` (e.g. ``"labels.service"``). ``fallthrough``
(default false) keeps evaluating the next cases after a match.
"""


class RouteDefaultArgs(TypedDict):
    """Where alerts go when no case matches."""

    channel_ids: Required[pulumi.Input[Sequence[pulumi.Input[IdInput]]]]


class RouteSectionArgs(TypedDict):
    """A display-only group of cases starting at index ``position`` (0..len(cases))."""

    name: Required[pulumi.Input[str]]
    position: Required[pulumi.Input[int]]


class NotifyByArgs(TypedDict, total=False):
    """Direct messages: each person's own preferences, or channels per severity.

    Channels: ``"email"``, ``"sms"``, ``"voice"``, ``"push"``, ``"feishu_app:<id>"``...
    """

    follow_preference: pulumi.Input[bool]
    critical: pulumi.Input[Sequence[pulumi.Input[str]]]
    warning: pulumi.Input[Sequence[pulumi.Input[str]]]
    info: pulumi.Input[Sequence[pulumi.Input[str]]]


class WebhookArgs(TypedDict):
    """A group-chat target: ``type`` (``"feishu"``, ``"dingtalk_app"``, ``"slack"``...) and its
    ``settings`` (tokens included: the resource's ``layers`` are kept secret)."""

    type: Required[pulumi.Input[str]]
    settings: Required[pulumi.Input[Mapping[str, Any]]]


class EscalateTargetArgs(TypedDict, total=False):
    """Who is notified (at least one of the four recipient lists) and how (``by`` and/or ``webhooks``).

    ``schedule_to_role_ids`` maps a schedule ID (as a string key) to role IDs (``[0]``: default role).
    """

    person_ids: pulumi.Input[Sequence[pulumi.Input[IdInput]]]
    team_ids: pulumi.Input[Sequence[pulumi.Input[IdInput]]]
    schedule_to_role_ids: pulumi.Input[Mapping[str, pulumi.Input[Sequence[pulumi.Input[int]]]]]
    emails: pulumi.Input[Sequence[pulumi.Input[str]]]
    by: pulumi.Input[NotifyByArgs]
    webhooks: pulumi.Input[Sequence[pulumi.Input[WebhookArgs]]]


class EscalateLayerArgs(TypedDict, total=False):
    """One escalation level. Defaults: ``max_times`` 2, ``notify_step`` 10 (minutes),
    ``escalate_window`` 30 (minutes), ``force_escalate`` false."""

    target: Required[pulumi.Input[EscalateTargetArgs]]
    max_times: pulumi.Input[int]
    notify_step: pulumi.Input[float]
    escalate_window: pulumi.Input[int]
    force_escalate: pulumi.Input[bool]


class TimeFilterArgs(TypedDict, total=False):
    """A recurring window ``start``..``end`` ("HH:MM") on weekdays ``repeat`` (0=Sunday; empty =
    every day), or on a calendar's work days (``is_off`` false) / days off (true) via ``cal_id``."""

    start: Required[pulumi.Input[str]]
    end: Required[pulumi.Input[str]]
    repeat: pulumi.Input[Sequence[pulumi.Input[int]]]
    cal_id: pulumi.Input[str]
    is_off: pulumi.Input[bool]


class OnceTimeFilterArgs(TypedDict):
    """A one-off window in unix seconds, ``start_time`` < ``end_time``."""

    start_time: Required[pulumi.Input[int]]
    end_time: Required[pulumi.Input[int]]
