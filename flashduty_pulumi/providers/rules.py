"""The per-channel rule kinds, each a declaration over ``RuleProvider`` (``channel_rules.py``).

Pulumi state refers to these classes by this module and name (``__provider`` holds a pickled
reference), so they stay here, under these names.
"""

from __future__ import annotations

import time
from typing import Any

from ..client.rule_families import ESCALATION_RULES, SILENCE_RULES
from .channel_rule_api import clear_read_cache
from .channel_rules import RuleProvider
from .raw_inputs import contains_unknown

__all__ = ["EscalationRuleProvider", "RuleProvider", "SilenceRuleProvider", "clear_read_cache"]


def _once_end(window: Any) -> int | None:
    """The ``end_time`` of a one-off window as whole seconds, or None when absent, unknown or odd."""
    if not isinstance(window, dict) or contains_unknown(window):
        return None
    end = window.get("end_time")
    if isinstance(end, bool) or not isinstance(end, (int, float)) or not float(end).is_integer():
        return None
    return int(end)


class EscalationRuleProvider(RuleProvider):
    """``flashduty.EscalationRule``."""

    family = ESCALATION_RULES


class SilenceRuleProvider(RuleProvider):
    """``flashduty.SilenceRule``. The API has no info endpoint: a rule is read through the list."""

    family = SILENCE_RULES

    def change_failures(self, olds: dict[str, Any], api: dict[str, Any]) -> list[tuple[str, str]]:
        """A one-off window that has already ended silences nothing: almost certainly a mistake (a
        date from last year, a copy-pasted example). It is refused when the window is new (a
        create) or changed; a window that was accepted earlier and has expired since is left alone,
        so the rule can still be refreshed, updated in other fields and destroyed."""
        end = _once_end(api.get("time_filter"))
        if end is None or end > time.time() or _once_end(olds.get("time_filter")) == end:
            return []
        ended = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(end))
        return [
            (
                "time_filter.end_time",
                f"is in the past (the window ended at {ended}), so the rule would silence nothing: move the "
                "window into the future (unix seconds), or use time_filters for a "
                "recurring window",
            )
        ]
