"""The page's document: the simulator's configuration as plain JSON, and one alert's highlight.

The document is the snapshot's API-shaped lists with what the picture must never show removed:
webhook settings other than the alias (tokens and webhook URLs are credentials), members' phone
numbers, templates' bodies. The highlight names the page's elements by key (see graph.js):
``int:I``, ``case:I:N``, ``default:I``, ``edge:I:N|default:C``, ``ch:C``, ``rule:R``, ``row:R``,
``layer:R:N`` and ``layer:R:N:person|team|schedule|email|webhook:X``.
"""

from __future__ import annotations

from typing import Any

from ..simulate import Config, Trace, dump_snapshot

__all__ = ["config_document", "rule_key", "trace_highlight"]

_MEMBER_FIELDS = ("member_id", "member_name", "email")
_CHANNEL_FIELDS = ("channel_id", "channel_name")
_TEAM_FIELDS = ("team_id", "team_name", "person_ids")
_RECIPIENT_KIND = {"member": "person", "team": "team", "schedule": "schedule", "email": "email"}


def _scrub_layers(rule: dict[str, Any]) -> dict[str, Any]:
    for layer in rule.get("layers") or ():
        target = layer.get("target") or {}
        target["webhooks"] = [
            {"type": w.get("type", ""), "settings": {"alias": (w.get("settings") or {}).get("alias", "")}}
            for w in target.get("webhooks") or ()
        ]
    return rule


def config_document(config: Config) -> dict[str, Any]:
    """The configuration as the renderer reads it, with no secret and no personal detail."""
    snap = dump_snapshot(config)
    return {
        "routes": snap["routes"],
        "channels": [{k: c[k] for k in _CHANNEL_FIELDS if k in c} for c in snap["channels"]],
        "escalation_rules": [_scrub_layers(r) for r in snap["escalation_rules"]],
        "silence_rules": snap["silence_rules"],
        "members": [{k: m[k] for k in _MEMBER_FIELDS if k in m} for m in snap["members"]],
        "teams": [{k: t[k] for k in _TEAM_FIELDS if k in t} for t in snap["teams"]],
        "schedules": snap["schedules"],
        "calendars": [{"cal_id": c["cal_id"], "cal_name": c["cal_name"]} for c in snap["calendars"]],
    }


def rule_key(kind: str, rule_id: str | None, channel_id: int, rule_name: str | None) -> str:
    """A rule's element key: its ID, or (a program's rule not created yet) kind, channel and name."""
    return rule_id if rule_id else f"{kind}:{channel_id}:{rule_name or ''}"


def trace_highlight(trace: Trace, config: Config) -> dict[str, Any]:
    """The elements an alert's trace passes through, as keys, plus the trace as text."""
    path: list[str] = []
    edges: list[str] = []
    stopped: list[str] = []
    first: list[str] = []
    route = trace.route
    iid = route.integration_id
    if route.found and iid is not None:
        path.append(f"int:{iid}")
        for case in route.cases:
            if case.matched:
                path.append(f"case:{iid}:{case.index}")
                edges += [f"edge:{iid}:{case.index}:{c}" for c in case.channel_ids]
        if route.default_used:
            path.append(f"default:{iid}")
            default = config.routes[iid].default if iid in config.routes else None
            edges += [f"edge:{iid}:default:{c}" for c in (default.channel_ids if default else ())]
    for o in trace.outcomes:
        path.append(f"ch:{o.channel_id}")
        for kind, hit in (("drop", o.dropped_by), ("silence", o.silenced_by), ("inhibit", o.inhibited_by)):
            if hit is not None:
                stopped.append("rule:" + rule_key(kind, hit.rule_id, o.channel_id, hit.rule_name))
        esc = o.escalation
        if esc is None or (esc.rule_id is None and esc.rule_name is None):
            continue
        key = rule_key("escalation", esc.rule_id, o.channel_id, esc.rule_name)
        path += [f"rule:{key}", f"row:{key}"]
        path += sorted({f"layer:{key}:{n.layer - 1}" for n in esc.timeline})
        if esc.timeline:
            n = esc.timeline[0]
            layer = f"layer:{key}:{n.layer - 1}"
            first += [f"{layer}:{_RECIPIENT_KIND.get(r.kind, r.kind)}:{r.id}" for r in n.recipients]
            hooks = [v for v in n.via if v.startswith("webhook:")]
            first += [f"{layer}:webhook:{i}" for i in range(len(hooks))]
    a = trace.alert
    labels = ", ".join(f"{k}={v}" for k, v in sorted(a.labels.items()))
    title = f"{a.severity} {a.title!r}" + (f" ({labels})" if labels else "") + f" at {trace.at.isoformat()}"
    return {
        "title": title,
        "summary": str(trace),
        "path": path,
        "edges": edges,
        "stopped": stopped,
        "first": first,
    }
