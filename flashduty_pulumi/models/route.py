"""Routing rules: ``/route/upsert``, ``/route/info``, ``/route/list``.

One rule per shared integration, always written whole (upsert replaces cases, sections and
default), versioned for optimistic concurrency, and never deleted.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from .canonical import SetOf
from .common import FilterConditionItem as RouteMatchConditionItem
from .common import (
    Int64ID,
    NonNegativeInt64,
    RequestModel,
    ResponseModel,
    RouteMatchCondition,
    cross_field_error,
)
from .common import Integer as _Integer
from .defaults import DEFAULT_FALLTHROUGH, DEFAULT_ROUTING_MODE

RoutingMode = Literal["standard", "name_mapping"]


class RouteCase(RequestModel):
    """One branch: when every ``if`` condition matches, the alert goes to the case's channels.

    ``standard`` mode sends to ``channel_ids`` (at least one); ``name_mapping`` mode takes the
    channel *name* from the label ``name_mapping_label`` and must not list ``channel_ids``.
    ``channel_ids`` and ``fallthrough`` are always sent (the spec requires both).
    """

    if_: list[RouteMatchCondition] = Field(alias="if")
    channel_ids: SetOf[Int64ID] = Field(default_factory=list)
    fallthrough: StrictBool = DEFAULT_FALLTHROUGH
    routing_mode: RoutingMode = DEFAULT_ROUTING_MODE
    name_mapping_label: Annotated[StrictStr, Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _check_mode(self) -> RouteCase:
        if self.routing_mode == "standard":
            if not self.channel_ids:
                raise cross_field_error(
                    "a standard case needs at least one channel ID (or use routing_mode name_mapping)",
                    "channel_ids",
                )
            if self.name_mapping_label is not None:
                raise cross_field_error(
                    "name_mapping_label only applies when routing_mode is name_mapping", "name_mapping_label"
                )
        else:
            if not self.name_mapping_label:
                raise cross_field_error(
                    "a name_mapping case needs name_mapping_label (e.g. labels.service)", "name_mapping_label"
                )
            if self.channel_ids:
                raise cross_field_error(
                    "a name_mapping case takes its channel from the label; leave channel_ids empty",
                    "channel_ids",
                )
            label = self.name_mapping_label
            if not label.startswith("labels.") or label == "labels.":
                raise cross_field_error(
                    f"must name an alert label as labels.<name> (e.g. labels.service), got {label!r}",
                    "name_mapping_label",
                )
        return self


class RouteSection(RequestModel):
    """A display-only group of cases starting at index ``position`` (0..len(cases))."""

    name: Annotated[StrictStr, Field(min_length=1)]
    position: Annotated[_Integer, Field(ge=0)]


class RouteDefault(RequestModel):
    """Where alerts go when no case matches (or every matching case yields no channel)."""

    channel_ids: Annotated[SetOf[Int64ID], Field(min_length=1)]


class UpsertRouteRequest(RequestModel):
    """``/route/upsert``: create or wholly replace the integration's routing rule.

    ``version``: the version from the latest read (optimistic concurrency); 0 on first create.
    ``cases`` and ``sections`` are always sent (``[]`` when empty) so that the replacement is
    explicit; ``default`` is left out when not given (the spec has no way to send "no default").
    """

    integration_id: Int64ID
    cases: list[RouteCase] = Field(default_factory=list)
    sections: list[RouteSection] = Field(default_factory=list)
    default: RouteDefault | None = None
    version: NonNegativeInt64 | None = None

    @model_validator(mode="after")
    def _check_shape(self) -> UpsertRouteRequest:
        if not self.cases and self.default is None:
            raise cross_field_error("give at least one case or a default route", "cases")
        n_cases = len(self.cases)
        seen: set[str] = set()
        for i, section in enumerate(self.sections):
            if section.position > n_cases:
                raise cross_field_error(
                    f"sections[{i}].position is {section.position} but must be between 0 and {n_cases} "
                    "(the number of cases)",
                    "sections",
                )
            if section.name in seen:
                raise cross_field_error(f"section name {section.name!r} is used twice", "sections")
            seen.add(section.name)
        return self


class RouteInfoRequest(RequestModel):
    integration_id: Int64ID


class ListRoutesRequest(RequestModel):
    integration_ids: list[Int64ID]


# ------------------------------------------------------------------------------- responses


class RouteCaseItem(ResponseModel):
    if_: list[RouteMatchConditionItem] = Field(default_factory=list, alias="if")
    channel_ids: list[int] = Field(default_factory=list)
    fallthrough: bool = DEFAULT_FALLTHROUGH
    routing_mode: str = DEFAULT_ROUTING_MODE
    name_mapping_label: str = ""

    @model_validator(mode="before")
    @classmethod
    def _empty_mode_is_standard(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("routing_mode") == "":
            data = {**data, "routing_mode": DEFAULT_ROUTING_MODE}
        return data


class RouteSectionItem(ResponseModel):
    name: str = ""
    position: int = 0


class RouteDefaultItem(ResponseModel):
    channel_ids: list[int] = Field(default_factory=list)


class RouteItem(ResponseModel):
    """A routing rule as read back (``/route/info`` data, ``/route/list`` items)."""

    integration_id: int = 0
    cases: list[RouteCaseItem] = Field(default_factory=list)
    sections: list[RouteSectionItem] = Field(default_factory=list)
    default: RouteDefaultItem | None = None
    status: str = ""
    version: int = 0
    updated_by: int = 0
    creator_id: int = 0
    created_at: int = 0
    updated_at: int = 0
    deleted_at: int | None = None

    def as_inputs(self) -> dict[str, Any]:
        """The rule in request shape (what an upsert would send), server defaults normalised."""
        cases = []
        for c in self.cases:
            case: dict[str, Any] = {
                "if": [cond.model_dump() for cond in c.if_],
                "channel_ids": list(c.channel_ids),
                "fallthrough": c.fallthrough,
                "routing_mode": c.routing_mode,
            }
            if c.name_mapping_label:
                case["name_mapping_label"] = c.name_mapping_label
            cases.append(case)
        out: dict[str, Any] = {
            "integration_id": self.integration_id,
            "cases": cases,
            "sections": [s.model_dump() for s in self.sections],
        }
        if self.default is not None and self.default.channel_ids:
            out["default"] = {"channel_ids": list(self.default.channel_ids)}
        return out


class ListRoutesResponse(ResponseModel):
    items: list[RouteItem] = Field(default_factory=list)
