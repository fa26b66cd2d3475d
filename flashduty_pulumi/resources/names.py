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
# (run, kind, channel, name) -> [(resource name, adopts an existing rule)]
_CLAIMED: dict[tuple[int, str, str, str], list[tuple[str, bool]]] = {}


def _run_key() -> int:
    return id(pulumi.runtime.settings.get_monitor())


def claim(
    kind: str, channel_id: Any, rule_name: str, resource_name: str, *, adopts: bool, show_name: bool
) -> None:
    """Record that ``resource_name`` gives ``channel_id`` a ``kind`` called ``rule_name``; raise a
    ``pulumi.RunError`` naming both resources if another one of this program already does.

    Resources that adopt existing rules by ID (``adopt_rule_id``) may share a name: the console
    allows same-named rules, and adopting them makes no new one. A name that came from an Output is
    not shown (it may be a secret)."""
    key = (_run_key(), kind, str(channel_id), rule_name)
    with _LOCK:
        holders = _CLAIMED.setdefault(key, [])
        clash = next((n for n, a in holders if n != resource_name and not (a and adopts)), None)
        holders.append((resource_name, adopts))
    if clash is not None:
        named = f"named {rule_name!r}" if show_name else "of one name (not shown: it comes from an Output)"
        raise pulumi.RunError(
            f"{kind} resources {clash!r} and {resource_name!r} both give channel {channel_id} a rule "
            f"{named}, and rule names must be unique in a channel: give one of them another rule_name."
        )


def claimed_name(kind: str, channel_id: Any, rule_name: Any, resource_name: str, *, adopts: bool) -> Any:
    """``rule_name`` for the resource's inputs, with its claim made: at once when both values are plain,
    else when they resolve (the name then waits for the channel, and carries its secretness)."""
    if not isinstance(channel_id, pulumi.Output) and not isinstance(rule_name, pulumi.Output):
        if isinstance(rule_name, str) and isinstance(channel_id, (int, str)):
            claim(kind, channel_id, rule_name, resource_name, adopts=adopts, show_name=True)
        return rule_name

    def checked(values: list[Any]) -> Any:
        channel, name = values
        if isinstance(name, str) and isinstance(channel, (int, str)):
            claim(kind, channel, name, resource_name, adopts=adopts, show_name=False)
        return name

    return pulumi.Output.all(channel_id, rule_name).apply(checked)
