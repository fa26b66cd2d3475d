"""The snapshot file: one JSON document holding a whole ``Config``, written by
``flashduty-pulumi snapshot`` and read by every command's ``--snapshot``.

    {"format": "flashduty-pulumi-snapshot", "version": 1, "timezone": "Asia/Shanghai",
     "routes": [RouteItem...], "channels": [ChannelItem...],
     "escalation_rules": [EscalateRuleItem...], "silence_rules": [SilenceRuleItem...],
     "members": [MemberItem...], "teams": [TeamItem...], "templates": [TemplateItem...],
     "schedules": [{"schedule_id", "schedule_name"}], "calendars": [{"cal_id", "workdays", ...}]}

Items use the API's own field names (a route case's condition list is ``if``). Every list is
optional. Keys this version does not know are refused rather than ignored, so a snapshot written
by a newer version (with drop or inhibit rules, say) is never simulated as if they were absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..models import (
    ChannelItem,
    EscalateRuleItem,
    MemberItem,
    RouteItem,
    SilenceRuleItem,
    TeamItem,
    TemplateItem,
    validation_failures,
)
from .config import Calendar, Config, Schedule, without_webhook_secrets

__all__ = ["FORMAT", "VERSION", "SnapshotError", "dump_snapshot", "load_snapshot", "read_snapshot_file"]

FORMAT = "flashduty-pulumi-snapshot"
VERSION = 1
_KNOWN = {
    "format",
    "version",
    "timezone",
    "routes",
    "channels",
    "escalation_rules",
    "silence_rules",
    "members",
    "teams",
    "templates",
    "schedules",
    "calendars",
}


class SnapshotError(ValueError):
    """The snapshot is not one this version can read; the message names the field."""


def dump_snapshot(config: Config) -> dict[str, Any]:
    def items(models: Any) -> list[dict[str, Any]]:
        return [m.model_dump(mode="json", by_alias=True, exclude_none=True) for m in models]

    return {
        "format": FORMAT,
        "version": VERSION,
        "timezone": config.timezone,
        "routes": items(config.routes[k] for k in sorted(config.routes)),
        "channels": items(config.channels[k] for k in sorted(config.channels)),
        "escalation_rules": items(without_webhook_secrets(r) for r in config.escalation_rules),
        "silence_rules": items(config.silence_rules),
        "members": items(config.members[k] for k in sorted(config.members)),
        "teams": items(config.teams[k] for k in sorted(config.teams)),
        "templates": items(config.templates[k] for k in sorted(config.templates)),
        "schedules": [
            {"schedule_id": s.schedule_id, "schedule_name": s.schedule_name}
            for s in sorted(config.schedules.values(), key=lambda s: s.schedule_id)
        ],
        "calendars": [
            {
                "cal_id": c.cal_id,
                "cal_name": c.cal_name,
                "workdays": list(c.workdays),
                "off_dates": list(c.off_dates),
                "work_dates": list(c.work_dates),
            }
            for c in sorted(config.calendars.values(), key=lambda c: c.cal_id)
        ],
    }


def _parse(model: Any, data: Any, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        path, reason = validation_failures(exc)[0]
        raise SnapshotError(f"{where}.{path}: {reason}" if path else f"{where}: {reason}") from None


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SnapshotError(f"{key}: must be a list, got {type(value).__name__}")
    return value


def load_snapshot(doc: Any) -> Config:
    """A ``Config`` from a parsed snapshot document; ``SnapshotError`` names what is wrong."""
    if not isinstance(doc, dict):
        raise SnapshotError("a snapshot must be a JSON object")
    if doc.get("format") != FORMAT:
        raise SnapshotError(f"format: must be {FORMAT!r} (is this a flashduty-pulumi snapshot?)")
    if doc.get("version") != VERSION:
        raise SnapshotError(
            f"version: this flashduty-pulumi reads version {VERSION}, got {doc.get('version')!r}"
        )
    unknown = sorted(set(doc) - _KNOWN)
    if unknown:
        raise SnapshotError(f"{unknown[0]}: not known to this version; upgrade flashduty-pulumi to read it")
    cfg = Config(timezone=doc.get("timezone") or None)
    for i, d in enumerate(_list(doc, "routes")):
        route = _parse(RouteItem, d, f"routes[{i}]")
        cfg.routes[route.integration_id] = route
    for i, d in enumerate(_list(doc, "channels")):
        ch = _parse(ChannelItem, d, f"channels[{i}]")
        cfg.channels[ch.channel_id] = ch
    cfg.escalation_rules = [
        _parse(EscalateRuleItem, d, f"escalation_rules[{i}]")
        for i, d in enumerate(_list(doc, "escalation_rules"))
    ]
    cfg.silence_rules = [
        _parse(SilenceRuleItem, d, f"silence_rules[{i}]") for i, d in enumerate(_list(doc, "silence_rules"))
    ]
    for i, d in enumerate(_list(doc, "members")):
        m = _parse(MemberItem, d, f"members[{i}]")
        cfg.members[m.member_id] = m
    for i, d in enumerate(_list(doc, "teams")):
        t = _parse(TeamItem, d, f"teams[{i}]")
        cfg.teams[t.team_id] = t
    for i, d in enumerate(_list(doc, "templates")):
        tpl = _parse(TemplateItem, d, f"templates[{i}]")
        cfg.templates[tpl.template_id] = tpl
    for i, d in enumerate(_list(doc, "schedules")):
        try:
            cfg.schedules[int(d["schedule_id"])] = Schedule(
                int(d["schedule_id"]), str(d.get("schedule_name", ""))
            )
        except (KeyError, TypeError, ValueError):
            raise SnapshotError(f"schedules[{i}]: needs schedule_id (an integer) and schedule_name") from None
    for i, d in enumerate(_list(doc, "calendars")):
        try:
            cal = Calendar(
                cal_id=str(d["cal_id"]),
                cal_name=str(d.get("cal_name", "")),
                workdays=tuple(int(x) for x in d.get("workdays", (1, 2, 3, 4, 5))),
                off_dates=tuple(str(x) for x in d.get("off_dates", ())),
                work_dates=tuple(str(x) for x in d.get("work_dates", ())),
            )
        except (KeyError, TypeError, ValueError):
            raise SnapshotError(f"calendars[{i}]: needs cal_id and workdays (weekday numbers 0-6)") from None
        cfg.calendars[cal.cal_id] = cal
    return cfg


def read_snapshot_file(path: str | Path) -> Config:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SnapshotError(f"cannot read snapshot {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"snapshot {path} is not JSON: {exc}") from None
    return load_snapshot(doc)


def write_snapshot_file(config: Config, path: str | Path) -> None:
    Path(path).write_text(
        json.dumps(dump_snapshot(config), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
