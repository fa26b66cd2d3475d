"""A lint finding, and the levels: an error is a configuration that cannot do what its author
meant (a value that never matches, a case nothing reaches, a routed channel that pages nobody);
a warning is one that may be intended (no default, hours with no escalation, a window already over).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHECKS", "ERROR", "WARNING", "Finding"]

ERROR = "error"
WARNING = "warning"

# Every check: code -> (level, one-line description). The code is the SARIF rule ID.
CHECKS: dict[str, tuple[str, str]] = {
    "unreachable-case": (
        ERROR,
        "a route case no alert can reach: an earlier case without fallthrough takes them all",
    ),
    "shadowed-case": (
        WARNING,
        "a route case whose alerts an earlier case without fallthrough always takes first",
    ),
    "unreachable-default": (WARNING, "the route's default is never used: a catch-all case comes first"),
    "no-default": (ERROR, "a route without a default drops every alert no case matches"),
    "never-matches": (ERROR, "a condition that can never match (value, key or operator)"),
    "bad-value": (ERROR, "a filter value that does not parse (regex, cidr:, num:)"),
    "unknown-channel": (ERROR, "a route sends to a channel ID the account does not have"),
    "silence-milliseconds": (ERROR, "a one-off silence window given in milliseconds (the API takes seconds)"),
    "silence-over": (WARNING, "a one-off silence window that has already ended"),
    "matches-everything": (ERROR, "a silence (or drop) rule whose filters match every alert"),
    "no-escalation": (ERROR, "a channel that routing reaches but that has no enabled escalation rule"),
    "uncovered-hours": (WARNING, "hours of the week in which no escalation rule of a routed channel applies"),
    "unresolvable-layer": (ERROR, "an escalation layer none of whose recipients exists"),
}


@dataclass(frozen=True)
class Finding:
    code: str
    where: str  # "route 6022140857131 case 2", "channel Payments / silence rule 'x'"
    message: str

    @property
    def level(self) -> str:
        return CHECKS[self.code][0]

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message} [{self.code}]"
