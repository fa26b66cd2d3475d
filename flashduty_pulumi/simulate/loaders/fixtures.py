"""Look-ups answered from a fixtures snapshot instead of the API (the program loader's mocks).

The same rules as the real look-ups: names match exactly, emails case-insensitively, and none or
several matches raise ``LookupFailed``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flashduty_pulumi

from ... import lookups
from ...models.defaults import PRESET_TEMPLATE_ID
from ..config import Config

__all__ = ["fixture_lookups"]


def _one(noun: str, wanted: str, found: list[Any]) -> Any:
    if not found:
        raise lookups.LookupFailed(f"no {noun} {wanted!r} in the fixtures (exact match)")
    if len(found) > 1:
        raise lookups.LookupFailed(f"{len(found)} {noun}s match {wanted!r} in the fixtures")
    return found[0]


def fixture_lookups(fixtures: Config) -> None:
    """Replace the look-up functions (module and package attributes) with fixture answers."""

    def channel(name: str, **_: Any) -> int:
        return int(
            _one(
                "channel named",
                name,
                [c.channel_id for c in fixtures.channels.values() if c.channel_name == name],
            )
        )

    def member(email: str, **_: Any) -> int:
        want = email.lower()
        return int(
            _one(
                "member with email",
                email,
                [m.member_id for m in fixtures.members.values() if m.email.lower() == want],
            )
        )

    def team(name: str, **_: Any) -> int:
        return int(
            _one("team named", name, [t.team_id for t in fixtures.teams.values() if t.team_name == name])
        )

    def template(name: str, **_: Any) -> str:
        found = [t.template_id for t in fixtures.templates.values() if t.template_name == name]
        if not found and name in ("", PRESET_TEMPLATE_ID):
            return PRESET_TEMPLATE_ID
        return str(_one("template named", name, found))

    replacements: dict[str, Callable[..., Any]] = {
        "lookup_channel": channel,
        "lookup_member": member,
        "lookup_team": team,
        "lookup_template": template,
    }
    for name, fn in replacements.items():
        setattr(lookups, name, fn)
        setattr(flashduty_pulumi, name, fn)
