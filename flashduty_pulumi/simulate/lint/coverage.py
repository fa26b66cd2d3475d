"""Hours of the week in which no escalation rule of a channel applies.

A rule covers a minute when one of its time windows is in force then and it has no filters (a
filtered rule applies to some alerts only). Calendar windows are read as their weekly pattern
(workdays from the calendar; holidays vary by date and are not counted); an unknown calendar
covers nothing. Minutes are checked over one reference week.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from ...models import EscalateRuleItem
from ..config import Calendar, Config
from ..windows import windows_in_force

__all__ = ["uncovered_ranges"]

_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
# A week that starts on a Sunday, far from any calendar's dated exceptions.
_WEEK_START = datetime(2001, 1, 7)


def uncovered_ranges(rules: list[EscalateRuleItem], config: Config) -> list[str]:
    """``["Sun 22:00-23:59", ...]``; [] when every minute of the week is covered."""
    covering = [r for r in rules if not r.filters]
    stripped = {k: _weekly(c) for k, c in config.calendars.items()}
    gaps: list[tuple[int, int]] = []
    for minute in range(7 * 24 * 60):
        t = _WEEK_START + timedelta(minutes=minute)
        if not any(windows_in_force(r.time_filters, t, stripped) for r in covering):
            if gaps and gaps[-1][1] == minute - 1:
                gaps[-1] = (gaps[-1][0], minute)
            else:
                gaps.append((minute, minute))
    return [f"{_at(a)}-{_at(b)[4:]}" if a // 1440 == b // 1440 else f"{_at(a)}-{_at(b)}" for a, b in gaps]


def _weekly(cal: Calendar) -> Calendar:
    return replace(cal, off_dates=(), work_dates=())


def _at(minute: int) -> str:
    day, rest = divmod(minute, 1440)
    return f"{_DAYS[day]} {rest // 60:02d}:{rest % 60:02d}"
