"""Shapes shared by several endpoints: ID types, filters, time windows, envelopes.

Two families of models live in this package:

- *request* models (``RequestModel``): strict. They reject unknown fields and enforce every
  constraint of the official OpenAPI request schema plus the cross-field rules its descriptions
  state. ``to_body()`` gives the JSON body to send (defaults filled in, ``None`` left out).
- *response* models (``ResponseModel``): lenient in the safe direction. Unknown fields are ignored
  and a ``null`` anywhere falls back to the field's default, because the server sends
  ``"webhooks": null``, ``"time_filter": null`` and similar.

Numbers: Pulumi hands a program's numbers over as floats, so integer fields accept a float with no
fractional part. Int64 IDs also accept a decimal string (the only exact way to pass an ID above
2**53 through a float-based channel) and always stay Python ints, so they never lose precision.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .canonical import ID_OUT, MAX_EXACT_INT, STATE, SetOf, canonical_fields

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

_DECIMAL = re.compile(r"[+-]?[0-9]+")
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")
_HHMM = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")


def _integer(value: Any, *, allow_decimal_string: bool) -> int:
    """The integer ``value`` stands for, or a readable error. Never goes through a float."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "must be an integer, not a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError(
                "int_from_float", "must be a whole number, got {value}", {"value": value}
            )
        if abs(value) > MAX_EXACT_INT:
            raise PydanticCustomError(
                "int_precision",
                "{value} is too large to be exact as a floating-point number; pass it as a string",
                {"value": value},
            )
        return int(value)
    if allow_decimal_string and isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return int(value.strip())
    expected = "an integer ID (number or decimal string)" if allow_decimal_string else "an integer"
    raise PydanticCustomError(
        "int_type", "must be {expected}, got {kind}", {"expected": expected, "kind": type(value).__name__}
    )


def _id_value(value: Any) -> int:
    return _integer(value, allow_decimal_string=True)


def _int_value(value: Any) -> int:
    return _integer(value, allow_decimal_string=False)


def _number_value(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PydanticCustomError(
            "float_type", "must be a number, got {kind}", {"kind": type(value).__name__}
        )
    return value


def _object_id(value: str) -> str:
    """A valid ObjectID, lower-case (the server compares them case-insensitively)."""
    if not _OBJECT_ID.fullmatch(value):
        raise PydanticCustomError(
            "object_id",
            "must be an ID of exactly 24 hexadecimal characters (0-9, a-f), got '{value}'",
            {"value": value},
        )
    return value.lower()


def _hhmm(value: str) -> str:
    if not _HHMM.fullmatch(value):
        raise PydanticCustomError(
            "time_of_day",
            "must be a 24-hour time written HH:MM (00:00 to 23:59), got '{value}'",
            {"value": value},
        )
    return value


# Any signed int64 (exact; decimal strings accepted).
Int64 = Annotated[int, BeforeValidator(_id_value), Field(ge=INT64_MIN, le=INT64_MAX)]
# A server-issued int64 ID (channel, integration, member, team, schedule): > 0.
Int64ID = Annotated[int, BeforeValidator(_id_value), Field(gt=0, le=INT64_MAX), ID_OUT]
# Non-negative int64 (versions, role IDs where 0 is the default role).
NonNegativeInt64 = Annotated[int, BeforeValidator(_id_value), Field(ge=0, le=INT64_MAX), ID_OUT]
# A plain integer field (priority, windows, counts): whole numbers only, no strings, no booleans.
Integer = Annotated[int, BeforeValidator(_int_value)]
# A JSON number (notify_step): int or float, no strings, no booleans.
Number = Annotated[float, BeforeValidator(_number_value)]
# A 24-hex MongoDB ObjectID (rule_id, template_id).
ObjectID = Annotated[StrictStr, AfterValidator(_object_id)]
# "HH:MM", 24-hour.
TimeOfDay = Annotated[StrictStr, AfterValidator(_hhmm)]
Weekday = Annotated[int, BeforeValidator(_int_value), Field(ge=0, le=6)]
Operator = Literal["IN", "NOTIN"]
RuleStatus = Literal["enabled", "disabled"]
# Rule names: 1..39 characters (characters, not bytes: the server counts runes).
RuleName = Annotated[StrictStr, Field(min_length=1, max_length=39)]
Description = Annotated[StrictStr, Field(max_length=500)]


def cross_field_error(message: str, field: str | None = None) -> PydanticCustomError:
    """An error for a rule spanning several fields; ``field`` (if given) is appended to its path."""
    ctx: dict[str, Any] = {"message": message}
    if field:
        ctx["field"] = field
    # The text travels in the context so that braces in user values are never read as placeholders.
    return PydanticCustomError("cross_field", "{message}", ctx)


class RequestModel(BaseModel):
    """Base of every request body: strict, complete, serialised without nulls."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_body(self) -> dict[str, Any]:
        """The JSON body to send: API field names, defaults filled, ``None`` fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_state(self, fields: Collection[str] | None = None) -> dict[str, Any]:
        """The canonical form kept in Pulumi state and compared by diff (of ``fields`` only, if
        given): the body, with IDs of 2**53 and more as decimal strings (the only form Pulumi's
        float64 numbers keep exact)."""
        include = set(fields) if fields is not None else None
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, include=include, context=STATE)

    @classmethod
    def canonical_fields(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """``data`` in the form ``to_state`` gives, field by field, for data that need not validate
        as a whole (a preview with values not known yet, a rule made in the console): a field that
        does not validate on its own, or that the model does not have, is kept as it is. The
        model's own cross-field rules are not applied."""
        return canonical_fields(cls, data)


class ResponseModel(BaseModel):
    """Base of every response payload: unknown fields ignored, ``null`` means "use the default"."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


# ---------------------------------------------------------------------------- filters (requests)


class FilterCondition(RequestModel):
    """``{key, oper, vals}``: ``IN`` matches if any value matches, ``NOTIN`` if none does."""

    key: Annotated[StrictStr, Field(min_length=1)]
    oper: Operator
    vals: Annotated[SetOf[StrictStr], Field(min_length=1)]


# Route ``if`` conditions have the same shape (a single AND list instead of OR-of-AND).
RouteMatchCondition = FilterCondition

# OR of AND groups: ``[[c1, c2], [c3]]`` means (c1 AND c2) OR c3. An AND group may not be empty.
AndGroup = Annotated[list[FilterCondition], Field(min_length=1)]
Filters = list[AndGroup]


class TimeFilter(RequestModel):
    """A recurring window: ``start``..``end`` on weekdays ``repeat`` (0=Sunday, empty = every day),
    or on the work days (``is_off`` false) / days off (true) of calendar ``cal_id``."""

    start: TimeOfDay
    end: TimeOfDay
    repeat: SetOf[Weekday] = Field(default_factory=list)
    cal_id: Annotated[StrictStr, Field(min_length=1)] | None = None
    is_off: StrictBool | None = None

    @model_validator(mode="after")
    def _check_modes(self) -> TimeFilter:
        if self.repeat and self.cal_id:
            raise cross_field_error(
                "repeat (weekdays) and cal_id (calendar) are mutually exclusive in one time window", "cal_id"
            )
        if self.is_off and not self.cal_id:
            raise cross_field_error("is_off only applies to a calendar window: set cal_id too", "is_off")
        # HH:MM strings compare like the times they name. The API refuses a window that ends
        # before it starts (22:00-06:00 does not cross midnight, it is refused), so say so here.
        if self.start >= self.end:
            raise cross_field_error(
                f"must be later than start ({self.start}-{self.end} ends before it begins); a window "
                "cannot cross midnight: split it in two, e.g. 22:00-23:59 and 00:00-06:00",
                "end",
            )
        # Canonical form: calendar windows always carry is_off, weekday windows never do.
        self.is_off = bool(self.is_off) if self.cal_id else None
        return self


class OnceTimeFilter(RequestModel):
    """A one-off window in unix seconds: ``0 < start_time < end_time``."""

    start_time: Annotated[Int64, Field(gt=0)]
    end_time: Annotated[Int64, Field(gt=0)]

    @model_validator(mode="after")
    def _check_order(self) -> OnceTimeFilter:
        if self.start_time >= self.end_time:
            raise cross_field_error("start_time must be earlier than end_time", "end_time")
        return self


class ChannelRuleIDRequest(RequestModel):
    """Body of info/delete/enable/disable for escalation and silence rules."""

    channel_id: Int64ID
    rule_id: ObjectID


class ChannelScopedListRequest(RequestModel):
    """Body of the per-channel rule lists."""

    channel_id: Int64ID


# --------------------------------------------------------------------- filters (responses)


class FilterConditionItem(ResponseModel):
    key: str = ""
    oper: str = ""
    vals: list[str] = Field(default_factory=list)


class TimeFilterItem(ResponseModel):
    start: str = ""
    end: str = ""
    repeat: list[int] = Field(default_factory=list)
    cal_id: str = ""
    is_off: bool = False


class OnceTimeFilterItem(ResponseModel):
    start_time: int = 0
    end_time: int = 0

    @property
    def is_set(self) -> bool:
        """False for the ``{start_time: 0, end_time: 0}`` a recurring rule may carry."""
        return self.start_time > 0 or self.end_time > 0


ItemT = TypeVar("ItemT", bound=ResponseModel)


class RuleList(ResponseModel, Generic[ItemT]):
    """``data`` of a per-channel rule list."""

    items: list[ItemT] = Field(default_factory=list)


class RuleCreateResponse(ResponseModel):
    """``data`` of the escalation and silence rule creates."""

    rule_id: str
    rule_name: str = ""


# --------------------------------------------------------------------------------- envelope


class ErrorBody(ResponseModel):
    """The envelope's ``error`` object (``DutyError``); ``reason`` is undocumented but seen."""

    code: str = ""
    message: str = ""
    reason: str | None = None

    @property
    def is_success(self) -> bool:
        return self.code in ("", "0", "OK")


class Envelope(ResponseModel):
    """``{request_id, data}`` or ``{request_id, error}``; ``data`` may be absent, null or ``{}``."""

    request_id: str | None = None
    data: Any = None
    error: ErrorBody | None = None
