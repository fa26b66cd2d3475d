"""Time windows: when a recurring ``TimeFilter`` or a one-off ``OnceTimeFilter`` is in force.

The choices the API leaves open, all here:
- Zone: windows are read in ``Config.timezone`` (the account's zone) when the configuration
  names one, else in the zone of the alert's own time.
- Bounds: minutes, start inclusive and end inclusive ("10:00"-"23:59" covers 23:59:59).
- A window whose start is after its end crosses midnight: it runs from start to the end of the
  day it starts on and on from 00:00 to end the next day; ``repeat`` names the starting day.
- ``repeat`` empty: every day (0 = Sunday .. 6 = Saturday).
- Calendar mode (``cal_id``): ``is_off`` false matches the calendar's workdays, true its days
  off. A calendar the configuration does not hold matches nothing (the trace says so).
- A one-off window: start_time <= t < end_time, unix seconds.
- A list of windows matches when any one does; an empty list always does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..models import OnceTimeFilterItem, TimeFilterItem
from .config import Calendar

__all__ = ["local_time", "minutes", "once_in_force", "window_in_force", "windows_in_force"]


def local_time(at: datetime, zone: str | None) -> datetime:
    if at.tzinfo is None:
        raise ValueError("the alert time needs a zone (e.g. 2026-12-06T03:00:00+08:00)")
    return at.astimezone(ZoneInfo(zone)) if zone else at


def minutes(hhmm: str) -> int:
    """``"HH:MM"`` as minutes after midnight; ValueError when it is not a 24-hour time."""
    h, sep, m = hhmm.partition(":")
    if not sep or not (h.isdigit() and m.isdigit()) or int(h) > 23 or int(m) > 59:
        raise ValueError(f"{hhmm!r} is not a 24-hour HH:MM time")
    return int(h) * 60 + int(m)


def _weekday(d: date) -> int:
    return (d.weekday() + 1) % 7  # Python: Monday 0; Flashduty: Sunday 0


def _day_matches(tf: TimeFilterItem, d: date, calendars: dict[str, Calendar]) -> bool:
    if tf.cal_id:
        cal = calendars.get(tf.cal_id)
        if cal is None:
            return False
        iso = d.isoformat()
        workday = iso in cal.work_dates or (iso not in cal.off_dates and _weekday(d) in cal.workdays)
        return workday != tf.is_off
    return not tf.repeat or _weekday(d) in tf.repeat


def window_in_force(tf: TimeFilterItem, local: datetime, calendars: dict[str, Calendar]) -> bool:
    try:
        start, end = minutes(tf.start), minutes(tf.end)
    except ValueError:
        return False
    now = local.hour * 60 + local.minute
    today = local.date()
    if start <= end:
        return start <= now <= end and _day_matches(tf, today, calendars)
    # Crosses midnight: the evening part belongs to today, the morning part to yesterday.
    if now >= start:
        return _day_matches(tf, today, calendars)
    return now <= end and _day_matches(tf, today - timedelta(days=1), calendars)


def windows_in_force(tfs: Sequence[TimeFilterItem], local: datetime, calendars: dict[str, Calendar]) -> bool:
    return not tfs or any(window_in_force(tf, local, calendars) for tf in tfs)


def once_in_force(tf: OnceTimeFilterItem, at: datetime) -> bool:
    t = at.timestamp()
    return tf.start_time <= t < tf.end_time
