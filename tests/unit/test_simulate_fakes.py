"""Small builders for simulator tests: a Config from plain dicts in the API's shapes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from flashduty_pulumi.models import (
    ChannelItem,
    EscalateRuleItem,
    MemberItem,
    RouteItem,
    SilenceRuleItem,
    TeamItem,
)
from flashduty_pulumi.simulate import Alert, Config, Schedule

INTEGRATION = 6022140857131
CHANNELS = {10: "Checkout", 20: "Payments", 30: "Platform"}
MEMBERS = {1: "alice@example.com", 2: "bob@example.com", 3: "carol@example.com"}
CST = timezone(timedelta(hours=8))

_ids = iter(range(1, 10**6))


def rid() -> str:
    return f"{next(_ids):024x}"


def cond(key: str, oper: str, *vals: str) -> dict[str, Any]:
    return {"key": key, "oper": oper, "vals": list(vals)}


def layer(
    *, people: list[int] = (), teams: list[int] = (), emails: list[str] = (), **kw: Any
) -> dict[str, Any]:  # type: ignore[assignment]
    target: dict[str, Any] = {"person_ids": list(people), "team_ids": list(teams), "emails": list(emails)}
    target["by"] = kw.pop("by", {"critical": ["voice"], "warning": ["sms"], "info": ["email"]})
    if "schedules" in kw:
        target["schedule_to_role_ids"] = {str(s): [0] for s in kw.pop("schedules")}
    return {"target": target, **kw}


def escalation(channel: int, name: str, layers: list[dict[str, Any]], **kw: Any) -> EscalateRuleItem:
    return EscalateRuleItem.model_validate(
        {
            "rule_id": rid(),
            "channel_id": channel,
            "rule_name": name,
            "layers": layers,
            "status": "enabled",
            **kw,
        }
    )


def silence(channel: int, name: str, filters: list[list[dict[str, Any]]], **kw: Any) -> SilenceRuleItem:
    return SilenceRuleItem.model_validate(
        {
            "rule_id": rid(),
            "channel_id": channel,
            "rule_name": name,
            "filters": filters,
            "status": "enabled",
            **kw,
        }
    )


def config(
    cases: list[dict[str, Any]] | None = None,
    default: list[int] | None = None,
    rules: list[Any] = (),  # type: ignore[assignment]
    timezone_: str | None = None,
) -> Config:
    routes = {}
    if cases is not None or default is not None:
        route: dict[str, Any] = {"integration_id": INTEGRATION, "cases": cases or []}
        if default is not None:
            route["default"] = {"channel_ids": default}
        routes[INTEGRATION] = RouteItem.model_validate(route)
    return Config(
        routes=routes,
        channels={
            i: ChannelItem(channel_id=i, channel_name=n, status="enabled") for i, n in CHANNELS.items()
        },
        escalation_rules=[r for r in rules if isinstance(r, EscalateRuleItem)],
        silence_rules=[r for r in rules if isinstance(r, SilenceRuleItem)],
        members={
            i: MemberItem(member_id=i, email=e, member_name=e.split("@")[0]) for i, e in MEMBERS.items()
        },
        teams={7: TeamItem(team_id=7, team_name="SRE", person_ids=[2, 3])},
        schedules={9: Schedule(9, "Primary on-call")},
        timezone=timezone_,
    )


def alert(severity: str = "Critical", **labels: str) -> Alert:
    return Alert(severity=severity, title="5xx on /pay", integration_id=INTEGRATION, labels=labels)


def at(text: str = "2026-12-07T10:00:00+08:00") -> datetime:
    return datetime.fromisoformat(text)
