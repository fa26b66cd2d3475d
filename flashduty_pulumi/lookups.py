"""Look-ups: the IDs rules reference, found by name (channel, team, template) or email (member).

Plain functions that run in the user's program (a dynamic provider cannot serve invokes), so a
program can say ``channel_id=fd.lookup_channel("Payments")``. Each one pages through every result,
keeps the exact matches only (names are case-sensitive; emails are compared case-insensitively),
and raises ``LookupFailed`` when there is no match or more than one. A miss lists the kind once more,
unfiltered, to suggest the names that differ only in case or spelling ("did you mean 'Payments'?"):
an extra call on the failure path only.

Configuration: ``pulumi.Config("flashduty")`` (``appKey`` as a secret, ``baseUrl``), else
FLASHDUTY_APP_KEY / FLASHDUTY_BASE_URL. Outside a Pulumi program pass ``client=`` (or rely on the
environment).
"""

from __future__ import annotations

import difflib
import functools
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar, cast

import pulumi

from .client import FlashdutyClient, FlashdutyError
from .models import ListChannelsRequest, MemberListRequest, TeamListRequest, TemplateListRequest
from .models.defaults import PRESET_TEMPLATE_ID

__all__ = ["LookupFailed", "lookup_channel", "lookup_member", "lookup_team", "lookup_template"]

T = TypeVar("T")

_LOCK = threading.Lock()
_CLIENTS: dict[tuple[str, str], FlashdutyClient] = {}


class LookupFailed(pulumi.RunError, LookupError):
    """No object, or more than one, matched a look-up exactly; or the API call behind it failed.

    A ``pulumi.RunError``, so a program that does not catch it fails with this one message (no
    Python traceback): a wrong app key reads as "Flashduty did not accept the app key".
    """


F = TypeVar("F", bound=Callable[..., object])


def _reported(fn: F) -> F:
    """API failures inside a look-up become one ``LookupFailed`` naming the look-up."""

    @functools.wraps(fn)
    def inner(wanted: str, *args: object, **kwargs: object) -> object:
        try:
            return fn(wanted, *args, **kwargs)
        except FlashdutyError as exc:
            raise LookupFailed(f"{fn.__name__}({wanted!r}) failed: {exc}") from None

    return cast(F, inner)


def _client(client: FlashdutyClient | None) -> FlashdutyClient:
    if client is not None:
        return client
    config = pulumi.Config("flashduty")
    key = config.get("appKey") or ""
    url = config.get("baseUrl") or ""
    with _LOCK:
        found = _CLIENTS.get((key, url))
        if found is None:
            # Empty values fall back to FLASHDUTY_APP_KEY / FLASHDUTY_BASE_URL.
            found = FlashdutyClient(app_key=key or None, base_url=url or None)
            _CLIENTS[(key, url)] = found
        return found


def _suggestion(wanted: str, names: Callable[[], Iterable[str]]) -> str:
    """`` (did you mean 'Payments'?)`` for names equal but for case, else close in spelling; or ""."""
    try:
        pool = sorted({n for n in names() if n})
    except FlashdutyError:
        return ""  # the suggestion is a courtesy: the miss itself is the error to report
    same = [n for n in pool if n.casefold() == wanted.strip().casefold()]
    close = same or difflib.get_close_matches(wanted, pool, n=3, cutoff=0.75)
    return f" (did you mean {' or '.join(repr(n) for n in close)}?)" if close else ""


def _one(
    noun: str,
    how: str,
    wanted: str,
    items: Iterable[T],
    matches: Callable[[T], bool],
    ident: Callable[[T], object],
    names: Callable[[], Iterable[str]],
) -> T:
    """The single item that ``matches``; ``LookupFailed`` for none or several ("channel", "named").
    ``names`` lists every name of the kind, for the suggestion on a miss."""
    found = [item for item in items if matches(item)]
    if not found:
        raise LookupFailed(
            f"no {noun} {how} {wanted!r} in Flashduty{_suggestion(wanted, names)} (exact match; check the "
            "spelling, and that the app key belongs to the right account)"
        )
    if len(found) > 1:
        ids = ", ".join(str(ident(item)) for item in found)
        raise LookupFailed(
            f"{len(found)} {noun}s {how} {wanted!r} (IDs {ids}); rename all but one, or pass the ID directly"
        )
    return found[0]


@_reported
def lookup_channel(name: str, *, client: FlashdutyClient | None = None) -> int:
    """The ``channel_id`` of the channel called ``name``."""
    c = _client(client)
    item = _one(
        "channel",
        "named",
        name,
        c.iter_channels(ListChannelsRequest(channel_name=name)),
        lambda ch: ch.channel_name == name,
        lambda ch: ch.channel_id,
        lambda: (ch.channel_name for ch in c.iter_channels(ListChannelsRequest())),
    )
    return item.channel_id


@_reported
def lookup_member(email: str, *, client: FlashdutyClient | None = None) -> int:
    """The ``member_id`` (what escalation targets put in ``person_ids``) of the member with ``email``."""
    c = _client(client)
    wanted = email.strip().casefold()
    item = _one(
        "member",
        "with email",
        email,
        c.iter_members(MemberListRequest(query=email.strip(), limit=100)),
        lambda m: m.email.strip().casefold() == wanted,
        lambda m: m.member_id,
        lambda: (m.email for m in c.iter_members(MemberListRequest(limit=100))),
    )
    return item.member_id


@_reported
def lookup_team(name: str, *, client: FlashdutyClient | None = None) -> int:
    """The ``team_id`` of the team called ``name``."""
    c = _client(client)
    item = _one(
        "team",
        "named",
        name,
        c.iter_teams(TeamListRequest(query=name, limit=100)),
        lambda t: t.team_name == name,
        lambda t: t.team_id,
        lambda: (t.team_name for t in c.iter_teams(TeamListRequest(limit=100))),
    )
    return item.team_id


@_reported
def lookup_template(name: str, *, client: FlashdutyClient | None = None) -> str:
    """The ``template_id`` (24-hex) of the notification template called ``name``.

    The built-in preset is not listed by ``/template/list``; it is found by its name as
    ``/template/info`` reports it (in the account's locale) when no listed template matches.
    """
    c = _client(client)
    pages = c.iter_templates(TemplateListRequest(query=name, limit=100))
    listed = [t for t in pages if t.template_name == name]
    if not listed:
        preset = c.template_info(PRESET_TEMPLATE_ID)
        if preset is not None and preset.template_name == name:
            return PRESET_TEMPLATE_ID
    item = _one(
        "template",
        "named",
        name,
        listed,
        lambda t: True,
        lambda t: t.template_id,
        lambda: (t.template_name for t in c.iter_templates(TemplateListRequest(limit=100))),
    )
    return item.template_id
