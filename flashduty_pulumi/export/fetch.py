"""Read what the export needs from the live API: the selected channels' rules, the selected
integrations' routes, and the directory (channels, templates, members, teams) that turns IDs
back into names. Read-only: every call here is a list/info call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..client import FlashdutyClient, InvalidParameter, ResourceNotFound
from ..client.rule_families import ESCALATION_RULES, SILENCE_RULES
from ..models import (
    ChannelItem,
    EscalateRuleItem,
    MemberItem,
    MemberListRequest,
    RouteItem,
    SilenceRuleItem,
    TeamItem,
    TeamListRequest,
    TemplateItem,
    TemplateListRequest,
)

__all__ = ["ChannelRules", "Directory", "ExportError", "RouteRules", "Snapshot", "read_snapshot"]


class ExportError(Exception):
    """The export cannot go on; ``exit_code`` is what the CLI exits with."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# Exit codes (documented in the CLI's --help).
EXIT_NOT_FOUND = 4


@dataclass
class ChannelRules:
    channel: ChannelItem
    escalation: list[EscalateRuleItem]
    silence: list[SilenceRuleItem]


@dataclass
class RouteRules:
    integration_id: int
    route: RouteItem | None  # None: the integration has no routing rule


class Directory:
    """Names for IDs, loaded on first use and kept for the whole export."""

    def __init__(self, client: FlashdutyClient) -> None:
        self._client = client
        self._template_info: dict[str, TemplateItem | None] = {}

    @cached_property
    def channels(self) -> list[ChannelItem]:
        return list(self._client.iter_channels())

    @cached_property
    def templates(self) -> list[TemplateItem]:
        return list(self._client.iter_templates(TemplateListRequest(limit=100)))

    @cached_property
    def members(self) -> list[MemberItem]:
        return list(self._client.iter_members(MemberListRequest(limit=100)))

    @cached_property
    def teams(self) -> list[TeamItem]:
        return list(self._client.iter_teams(TeamListRequest(limit=100)))

    def template(self, template_id: str) -> TemplateItem | None:
        """A template by ID: from the list, else ``/template/info`` (e.g. the unlisted preset)."""
        wanted = template_id.lower()
        for t in self.templates:
            if t.template_id.lower() == wanted:
                return t
        if wanted not in self._template_info:
            try:
                self._template_info[wanted] = self._client.template_info(template_id)
            except (ResourceNotFound, InvalidParameter):
                self._template_info[wanted] = None
        return self._template_info[wanted]


@dataclass
class Snapshot:
    channels: list[ChannelRules] = field(default_factory=list)
    routes: list[RouteRules] = field(default_factory=list)


def _is_id(text: str) -> bool:
    return text.strip().isdigit()


def resolve_channels(
    directory: Directory, client: FlashdutyClient, wanted: Sequence[str]
) -> list[ChannelItem]:
    """The channels named (exactly) or numbered by ``wanted``, in the order given, without repeats."""
    out: dict[int, ChannelItem] = {}
    for text in wanted:
        if _is_id(text):
            cid = int(text)
            found = next((c for c in directory.channels if c.channel_id == cid), None)
            if found is None:
                try:
                    found = client.channel_info(cid)
                except (ResourceNotFound, InvalidParameter):
                    found = None
            if found is None:
                raise ExportError(f"no channel with ID {cid} is visible to this app key", EXIT_NOT_FOUND)
            out.setdefault(found.channel_id, found)
            continue
        named = [c for c in directory.channels if c.channel_name == text]
        if not named:
            close = sorted(
                {c.channel_name for c in directory.channels if c.channel_name.lower() == text.lower()}
            )
            hint = f" (did you mean {', '.join(repr(n) for n in close)}?)" if close else ""
            raise ExportError(
                f"no channel named {text!r} is visible to this app key{hint}; names match exactly, "
                "or pass the channel ID",
                EXIT_NOT_FOUND,
            )
        if len(named) > 1:
            ids = ", ".join(str(c.channel_id) for c in named)
            raise ExportError(
                f"{len(named)} channels are named {text!r} (IDs {ids}); pass the channel ID instead",
                EXIT_NOT_FOUND,
            )
        out.setdefault(named[0].channel_id, named[0])
    return list(out.values())


def _route(client: FlashdutyClient, integration_id: int) -> RouteItem | None:
    try:
        route = client.route_info(integration_id)
    except ResourceNotFound:
        raise ExportError(
            f"integration {integration_id} does not exist (or this app key cannot see it)", EXIT_NOT_FOUND
        ) from None
    except InvalidParameter as exc:
        raise ExportError(
            f"integration {integration_id} has no routing rule to export: {exc.message or exc} (routing "
            "rules belong to shared integrations; a dedicated integration sends to its own channel)",
            EXIT_NOT_FOUND,
        ) from None
    if route is None or route.status == "deleted":
        return None
    return route


def read_snapshot(
    client: FlashdutyClient,
    directory: Directory,
    *,
    channels: Sequence[str] = (),
    integrations: Sequence[int] = (),
    all_channels: bool = False,
) -> Snapshot:
    """The live rules of the selected channels and integrations.

    ``channels``: names or IDs; ``all_channels``: every channel the key can see (the default when
    neither channels nor integrations are given). Integrations must be listed by ID: the API has
    no call that lists them.
    """
    if channels:
        selected = resolve_channels(directory, client, channels)
        if all_channels:
            seen = {c.channel_id for c in selected}
            selected += [c for c in directory.channels if c.channel_id not in seen]
    elif all_channels or not integrations:
        selected = list(directory.channels)
    else:
        selected = []
    selected.sort(key=lambda c: (c.channel_name, c.channel_id))
    snap = Snapshot()
    for ch in selected:
        snap.channels.append(
            ChannelRules(
                channel=ch,
                escalation=client.rule_list(ESCALATION_RULES, ch.channel_id),
                silence=client.rule_list(SILENCE_RULES, ch.channel_id),
            )
        )
    for integration_id in sorted(dict.fromkeys(integrations)):
        snap.routes.append(RouteRules(integration_id, _route(client, integration_id)))
    return snap
