"""Who may write a rule: the fence that keeps a resource from overwriting or deleting a rule it does
not hold, or one that changed outside Pulumi since it last read it.

Escalation and silence rules have no version and no owner field, ``updated_at`` is whole seconds and
``updated_by`` is the key's member (the same for every stack using that key). A provider cannot read
another resource's state, and nothing in process memory survives the run. The only evidence shared
across runs and stacks is the live rule and each resource's own state: the settings, status and
``updated_at`` it last wrote or read. So:

- **Fence.** Before an update, disable or delete, the live rule is compared with the state
  (``judge``): the same settings and status and no later ``updated_at`` means this resource still
  holds it (``HELD``); other settings or status mean it was ``CHANGED`` outside Pulumi (refused:
  run ``pulumi refresh`` and review); the same settings with a later ``updated_at`` mean another
  resource rewrote it, i.e. took it over (``TAKEN``): a delete leaves it in place and drops it from
  the state with a warning, an update is refused.
- **A takeover shows itself.** A resource that takes over an existing rule (identical leftovers, or
  ``adopt_rule_id``) rewrites it unchanged, so that its ``updated_at`` moves past what any earlier
  holder recorded (whole seconds: if it did not move, the rewrite is repeated in the next second).
- **Refresh never re-takes.** A refresh of a ``TAKEN`` rule keeps the state as it was (warning), so a
  stale holder stays stale and its delete still leaves the rule alone.

The live rule comes from the channel's list, shared by the fences of one run for ``FENCE_SECONDS``;
a rule this process wrote after the list was fetched is looked up in a fresh list. Without an
``updated_at`` in the state (its read back failed), only settings and status are compared.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from enum import Enum
from typing import Any

# How old a channel's list may be when a fence consults it: an edit made in the console within this
# window before a run's write can go unseen (the API offers no compare-and-set for rules).
FENCE_SECONDS = 10.0


class Holding(Enum):
    GONE = "gone"
    HELD = "held"
    CHANGED = "changed"
    TAKEN = "taken"


def judge(
    live_inputs: dict[str, Any] | None,
    live_status: str,
    live_updated: int,
    state: dict[str, Any],
    state_inputs: dict[str, Any],
) -> Holding:
    """How the live rule stands to this resource's state (see the module docstring)."""
    if live_inputs is None:
        return Holding.GONE
    status = state.get("status")
    if live_inputs != state_inputs or (status in ("enabled", "disabled") and live_status != status):
        return Holding.CHANGED
    recorded = state.get("updated_at")
    if isinstance(recorded, bool) or not isinstance(recorded, (int, float)) or recorded <= 0:
        return Holding.HELD  # no record of when it was last written: settings and status decide
    return Holding.TAKEN if live_updated > int(recorded) else Holding.HELD


class FenceLists:
    """Per-channel rule lists for the fences of one run, aware of this process's own writes."""

    def __init__(self, ttl: float = FENCE_SECONDS) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, list[Any]]] = {}
        self._written: dict[tuple[Hashable, str], float] = {}

    def wrote(self, key: Hashable, rule_id: str) -> None:
        """This process finished a write to ``rule_id`` (call after the write, success or not)."""
        with self._lock:
            self._written[(key, rule_id.lower())] = time.monotonic()

    def rules(self, key: Hashable, rule_id: str, fetch: Callable[[], list[Any]]) -> list[Any]:
        """The channel's rules, from a list recent enough to show ``rule_id`` as it now is."""
        wanted = rule_id.lower()
        with self._lock:
            entry = self._entries.get(key)
            written = self._written.get((key, wanted), -1.0)
        if entry is None or time.monotonic() - entry[0] >= self.ttl or entry[0] <= written:
            entry = (time.monotonic(), fetch())
            with self._lock:
                self._entries[key] = entry
        return entry[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._written.clear()


def changed_outside(kind: str, rule_id: str, channel: int, doing: str) -> str:
    return (
        f"{kind} {rule_id} in channel {channel} was changed outside Pulumi since this stack last read "
        f"it, so {doing} was refused and nothing was written. Run `pulumi refresh` to load the "
        "current rule into the state, review it with `pulumi preview`, then run the command again."
    )


def taken_over(kind: str, rule_id: str, channel: int) -> str:
    return (
        f"{kind} {rule_id} in channel {channel} was rewritten with the same settings after this "
        "resource last wrote it: another resource (a renamed one, or one in another stack) has taken "
        "it over"
    )


def let_go_advice() -> str:
    return (
        "If this resource was renamed, declare it with `opts=pulumi.ResourceOptions(aliases=[...])` "
        "next time; if the rule moved to another stack, remove it here with `pulumi state delete "
        "<urn>` (or set retain_on_delete=True before removing it from the program)."
    )
