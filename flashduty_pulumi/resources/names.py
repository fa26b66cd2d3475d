"""Rule names are unique in a channel: two resources of one program that would give a channel two
rules of one name fail the program, at preview already when both values are known.

A provider's check sees one resource at a time, so this is the program's side of the rule (the
provider refuses such a second create, and a rename into a name in use, at `up`). The names are
recorded per program run (keyed by the engine connection, so each test under Pulumi's mocks starts
afresh).
"""

from __future__ import annotations

import threading
from typing import Any

import pulumi
import pulumi.runtime

_LOCK = threading.Lock()
_CLAIMED: dict[tuple[int, str, str, str], str] = {}


def _run_key() -> int:
    return id(pulumi.runtime.settings.get_monitor())


def claim(kind: str, channel_id: Any, rule_name: str, resource_name: str, *, show_name: bool) -> None:
    """Record that ``resource_name`` gives ``channel_id`` a ``kind`` called ``rule_name``; raise a
    ``pulumi.RunError`` naming both resources if another one of this program already does. A name
    that came from an Output is not shown (it may be a secret)."""
    key = (_run_key(), kind, str(channel_id), rule_name)
    with _LOCK:
        earlier = _CLAIMED.setdefault(key, resource_name)
    if earlier != resource_name:
        named = (
            f"named {rule_name!r}" if show_name else "of the same name (not shown: it comes from an Output)"
        )
        raise pulumi.RunError(
            f"{kind} resources {earlier!r} and {resource_name!r} both give channel {channel_id} a rule "
            f"{named}, and rule names must be unique in a channel: give one of them another rule_name."
        )


def claimed_name(kind: str, channel_id: Any, rule_name: Any, resource_name: str) -> Any:
    """``rule_name`` for the resource's inputs, with its claim made: at once when both values are plain,
    else when they resolve (the name then waits for the channel, and carries its secretness)."""
    if not isinstance(channel_id, pulumi.Output) and not isinstance(rule_name, pulumi.Output):
        if isinstance(rule_name, str) and isinstance(channel_id, (int, str)):
            claim(kind, channel_id, rule_name, resource_name, show_name=True)
        return rule_name

    def checked(values: list[Any]) -> Any:
        channel, name = values
        if isinstance(name, str) and isinstance(channel, (int, str)):
            claim(kind, channel, name, resource_name, show_name=False)
        return name

    return pulumi.Output.all(channel_id, rule_name).apply(checked)
