"""What rules reference: channels, notification templates, members and teams (look-ups only).

``/channel/list``, ``/channel/info``, ``/template/list``, ``/template/info`` (on-call spec);
``/member/list``, ``/team/list``, ``/team/info`` (platform spec). Pages are numbered from 1.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictStr, model_validator

from .common import (
    Int64ID,
    Integer,
    NonNegativeInt64,
    ObjectID,
    RequestModel,
    ResponseModel,
    cross_field_error,
)

MAX_PAGE_SIZE = 100

PageNumber = Annotated[Integer, Field(ge=1)]
PageSize = Annotated[Integer, Field(ge=1, le=MAX_PAGE_SIZE)]


# ----------------------------------------------------------------------------------- channels


class ListChannelsRequest(RequestModel):
    """``/channel/list``. ``channel_name`` is an exact match and wins over ``query``."""

    p: PageNumber = 1
    limit: PageSize = MAX_PAGE_SIZE
    orderby: Literal["ranking", "created_at", "updated_at", "channel_name", "last_incident_at"] | None = None
    asc: StrictBool | None = None
    is_my_managed: StrictBool | None = None
    is_my_starred: StrictBool | None = None
    is_brief: StrictBool | None = None
    is_my_team: StrictBool | None = None
    team_ids: list[Int64ID] | None = None
    query: StrictStr | None = None
    channel_ids: list[Int64ID] | None = None
    channel_name: StrictStr | None = None

    @model_validator(mode="after")
    def _check_flags(self) -> ListChannelsRequest:
        if self.is_my_starred and self.is_my_team:
            raise cross_field_error("is_my_starred and is_my_team cannot both be true", "is_my_team")
        return self


class ChannelInfoRequest(RequestModel):
    channel_id: Int64ID


class ChannelItem(ResponseModel):
    channel_id: int = 0
    channel_name: str = ""
    team_id: int = 0
    managing_team_ids: list[int] = Field(default_factory=list)
    description: str = ""
    status: str = ""
    creator_id: int = 0
    account_id: int = 0
    is_private: bool = False
    created_at: int = 0
    updated_at: int = 0


class ChannelPage(ResponseModel):
    items: list[ChannelItem] = Field(default_factory=list)
    total: int = 0
    has_next_page: bool = False


# ---------------------------------------------------------------------------------- templates


class TemplateListRequest(RequestModel):
    """``/template/list``. With ``is_my_team`` true the server ignores ``team_ids``."""

    p: PageNumber = 1
    limit: PageSize = 20
    orderby: Literal["created_at", "updated_at"] | None = None
    asc: StrictBool | None = None
    is_my_team: StrictBool | None = None
    team_ids: list[Int64ID] | None = None
    creator_id: Int64ID | None = None
    query: StrictStr | None = None


class TemplateIDRequest(RequestModel):
    template_id: ObjectID


class TemplateItem(ResponseModel):
    template_id: str = ""
    template_name: str = ""
    description: str = ""
    team_id: int = 0
    account_id: int = 0
    status: str = ""
    creator_id: int = 0
    updated_by: int = 0
    created_at: int = 0
    updated_at: int = 0


class TemplatePage(ResponseModel):
    items: list[TemplateItem] = Field(default_factory=list)
    total: int = 0
    has_next_page: bool = False


# ------------------------------------------------------------------------------------ members


class MemberListRequest(RequestModel):
    """``/member/list``; ``query`` matches name, email or phone."""

    p: PageNumber = 1
    limit: PageSize = 20
    orderby: Literal["created_at", "updated_at"] | None = None
    asc: StrictBool | None = None
    query: StrictStr | None = None
    role_id: NonNegativeInt64 | None = None


class MemberItem(ResponseModel):
    """A member; ``member_id`` is what escalation targets put in ``person_ids``."""

    member_id: int = 0
    member_name: str = ""
    email: str = ""
    phone: str = ""
    status: str = ""
    account_id: int = 0
    account_role_ids: list[int] = Field(default_factory=list)
    ref_id: str = ""
    is_external: bool = False
    time_zone: str = ""
    created_at: int = 0
    updated_at: int = 0


class MemberPage(ResponseModel):
    items: list[MemberItem] = Field(default_factory=list)
    p: int = 1
    limit: int = 0
    total: int = 0


# -------------------------------------------------------------------------------------- teams


class TeamListRequest(RequestModel):
    p: PageNumber = 1
    limit: PageSize = 20
    orderby: Literal["created_at", "updated_at", "team_name"] | None = None
    asc: StrictBool | None = None
    person_id: Int64ID | None = None
    query: StrictStr | None = None


class TeamInfoRequest(RequestModel):
    """``/team/info``: exactly one of ``team_id``, ``team_name`` or ``ref_id``."""

    team_id: Int64ID | None = None
    team_name: Annotated[StrictStr, Field(min_length=1)] | None = None
    ref_id: Annotated[StrictStr, Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _check_one(self) -> TeamInfoRequest:
        given = [n for n in ("team_id", "team_name", "ref_id") if getattr(self, n) is not None]
        if len(given) != 1:
            raise cross_field_error("give exactly one of team_id, team_name or ref_id")
        return self


class TeamItem(ResponseModel):
    team_id: int = 0
    team_name: str = ""
    description: str = ""
    status: str = ""
    person_ids: list[int] = Field(default_factory=list)
    ref_id: str = ""
    account_id: int = 0
    creator_id: int = 0
    updated_by: int = 0
    created_at: int = 0
    updated_at: int = 0


class TeamPage(ResponseModel):
    items: list[TeamItem] = Field(default_factory=list)
    p: int = 1
    limit: int = 0
    total: int = 0
