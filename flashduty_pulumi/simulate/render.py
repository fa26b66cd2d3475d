"""``str(trace)``: the trace as a person reads it, one step per line."""

from __future__ import annotations

from .trace import Trace

__all__ = ["render_trace"]


def _minute(m: float) -> str:
    return f"T+{m:g}m"


def render_trace(t: Trace) -> str:
    a = t.alert
    labels = ", ".join(f"{k}={v}" for k, v in sorted(a.labels.items()))
    lines = [
        f"alert {a.severity} {a.title!r}"
        + (f" [{labels}]" if labels else "")
        + f" at {t.at.isoformat()} (windows read at {t.local:%a %Y-%m-%d %H:%M %Z})",
    ]
    for step in t.pipeline:
        lines.append(f"  pipeline: {step}")
    r = t.route
    if not r.found:
        lines.append(f"  route: {r.note}")
        return "\n".join(lines)
    lines.append(f"  route of integration {r.integration_id}:")
    for c in r.cases:
        mark = "match" if c.matched else "no   "
        extra = f" -> {list(c.channel_ids)}" if c.matched else ""
        extra += " (fallthrough)" if c.matched and c.fallthrough else ""
        lines.append(f"    case {c.index + 1}: {mark} {c.reason}{extra}")
    if r.default_used:
        lines.append(f"    default -> {list(r.channel_ids)}")
    if r.note:
        lines.append(f"    {r.note}")
    for o in t.outcomes:
        head = f"  channel {o.channel_name} ({o.channel_id}) via {o.via}"
        if o.dropped_by:
            lines.append(f"{head}: dropped by {o.dropped_by.rule_name!r}")
            continue
        if o.silenced_by:
            lines.append(f"{head}: {o.silenced_by.detail} by silence rule {o.silenced_by.rule_name!r}")
            continue
        if o.inhibited_by:
            lines.append(f"{head}: inhibited by {o.inhibited_by.rule_name!r}")
            continue
        esc = o.escalation
        if esc is None or esc.rule_name is None:
            lines.append(f"{head}: no escalation rule applies, nobody is notified")
        else:
            lines.append(f"{head}: escalation rule {esc.rule_name!r}")
        for s in esc.skipped if esc else ():
            lines.append(f"    skipped {s.rule_name!r}: {s.reason}")
        for n in esc.timeline if esc else ():
            who = ", ".join(n.people()) or "nobody"
            how = ", ".join(n.via) or "no delivery"
            lines.append(f"    {_minute(n.minute)} layer {n.layer} #{n.attempt}: {who} by {how}")
    return "\n".join(lines)
