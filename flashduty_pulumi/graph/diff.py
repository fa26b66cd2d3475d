"""What a program would change against the live configuration, as a list a reviewer reads.

Both sides are page documents (``config_document``), so the comparison sees exactly what the
picture shows. Route cases are compared as an ordered list: a case found elsewhere in the other
list has moved, one changed in place is changed, the rest are added or removed. Rules are matched
by kind, channel and name (a program's rules have no IDs before they are created); escalation
layers by position. Each change names the element of the program's picture it marks (``key``),
or None when the element exists only on the live side.
"""

from __future__ import annotations

import json
from difflib import SequenceMatcher
from typing import Any

from .document import rule_key

__all__ = ["Change", "changes", "changes_markdown"]

Change = dict[str, Any]  # {"change": "added"|"removed"|"changed"|"moved", "text": str, "key": str | None}

_RULE_FIELDS = {
    "escalation": ("priority", "aggr_window", "template_id", "time_filters", "filters", "description"),
    "silence": ("priority", "filters", "time_filter", "time_filters", "is_directly_discard", "description"),
}
_CASE_FIELDS = ("if", "channel_ids", "fallthrough", "routing_mode", "name_mapping_label")


def _c(change: str, text: str, key: str | None) -> Change:
    return {"change": change, "text": text, "key": key}


def _sig(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    return json.dumps({f: item.get(f) for f in fields}, sort_keys=True)


def _names(doc: dict[str, Any]) -> dict[str, str]:
    return {
        str(c["channel_id"]): c.get("channel_name") or str(c["channel_id"]) for c in doc.get("channels", [])
    }


def _case_text(case: dict[str, Any], names: dict[str, str]) -> str:
    cond = " AND ".join(f"{c['key']} {c.get('oper', 'IN')} {c.get('vals')}" for c in case.get("if") or ())
    to = ", ".join(names.get(str(c), str(c)) for c in case.get("channel_ids") or ())
    return f"{cond or 'always'} -> {to or 'a channel named by a label'}"


def _route_changes(iid: str, old: dict[str, Any], new: dict[str, Any], names: dict[str, str]) -> list[Change]:
    out: list[Change] = []
    a = [_sig(c, _CASE_FIELDS) for c in old.get("cases") or ()]
    b = [_sig(c, _CASE_FIELDS) for c in new.get("cases") or ()]
    kept_a: set[int] = set()
    kept_b: set[int] = set()
    for block in SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks():
        kept_a.update(range(block.a, block.a + block.size))
        kept_b.update(range(block.b, block.b + block.size))
    gone = [j for j in range(len(a)) if j not in kept_a]
    fresh = [i for i in range(len(b)) if i not in kept_b]
    new_cases = new.get("cases") or []
    old_cases = old.get("cases") or []
    for i in list(fresh):
        j = next((j for j in gone if a[j] == b[i]), None)
        if j is not None:
            text = f"integration {iid}: case #{j + 1} moved to #{i + 1} ({_case_text(new_cases[i], names)})"
            out.append(_c("moved", text, f"case:{iid}:{i}"))
            gone.remove(j)
            fresh.remove(i)
    for i in list(fresh):
        if i in gone:
            was, now = _case_text(old_cases[i], names), _case_text(new_cases[i], names)
            out.append(_c("changed", f"integration {iid}: case #{i + 1}: {was} => {now}", f"case:{iid}:{i}"))
            gone.remove(i)
            fresh.remove(i)
    for i in fresh:
        text = f"integration {iid}: case #{i + 1} added ({_case_text(new_cases[i], names)})"
        out.append(_c("added", text, f"case:{iid}:{i}"))
    for j in gone:
        text = f"integration {iid}: case #{j + 1} removed ({_case_text(old_cases[j], names)})"
        out.append(_c("removed", text, f"int:{iid}"))
    if (old.get("default") or {}).get("channel_ids") != (new.get("default") or {}).get("channel_ids"):
        to = ", ".join(names.get(str(c), str(c)) for c in (new.get("default") or {}).get("channel_ids") or ())
        out.append(_c("changed", f"integration {iid}: default -> {to or 'none'}", f"default:{iid}"))
    return out


def _layer_changes(label: str, key: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out: list[Change] = []
    a, b = old.get("layers") or [], new.get("layers") or []
    for n in range(max(len(a), len(b))):
        if n >= len(a):
            out.append(_c("added", f"{label}: layer {n + 1} added", f"layer:{key}:{n}"))
        elif n >= len(b):
            out.append(_c("removed", f"{label}: layer {n + 1} gone", f"row:{key}"))
        elif json.dumps(a[n], sort_keys=True) != json.dumps(b[n], sort_keys=True):
            out.append(_c("changed", f"{label}: layer {n + 1} changed", f"layer:{key}:{n}"))
    return out


def _rule_changes(
    kind: str, old_doc: dict[str, Any], new_doc: dict[str, Any], names: dict[str, str], managed: set[str]
) -> list[Change]:
    def by_name(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(str(r["channel_id"]), r.get("rule_name", "")): r for r in doc.get(f"{kind}_rules", [])}

    old, new = by_name(old_doc), by_name(new_doc)
    out: list[Change] = []
    for (cid, name), rule in new.items():
        label = f"{names.get(cid, cid)}: {kind} rule {name!r}"
        key = rule_key(kind, rule.get("rule_id"), int(cid), name)
        before = old.get((cid, name))
        if before is None:
            out.append(_c("added", f"{label} added", f"rule:{key}"))
            continue
        fields = [f for f in _RULE_FIELDS[kind] if before.get(f) != rule.get(f)]
        if fields:
            out.append(_c("changed", f"{label}: {', '.join(fields)} changed", f"rule:{key}"))
        if kind == "escalation":
            out += _layer_changes(label, key, before, rule)
    # A live rule the program does not declare is deleted by `pulumi up` only if this stack created
    # it, which the configuration cannot tell: say so, in the channels the program declares rules in.
    for (cid, name), _rule in old.items():
        if (cid, name) not in new and cid in managed:
            label = f"{names.get(cid, cid)}: {kind} rule {name!r}"
            text = f"{label} is live but not in the program (deleted only if this stack created it)"
            out.append(_c("removed", text, f"ch:{cid}"))
    return out


def changes(live: dict[str, Any], program: dict[str, Any]) -> list[Change]:
    """Every difference from ``live`` to ``program``, routes first, then rules by kind."""
    names = {**_names(live), **_names(program)}
    old = {str(r["integration_id"]): r for r in live.get("routes", [])}
    new = {str(r["integration_id"]): r for r in program.get("routes", [])}
    out: list[Change] = []
    for iid, route in new.items():
        if iid in old:
            out += _route_changes(iid, old[iid], route, names)
        else:
            out.append(_c("added", f"integration {iid}: routing rule added", f"int:{iid}"))
    kinds = ("escalation", "silence")
    managed = {str(r["channel_id"]) for kind in kinds for r in program.get(f"{kind}_rules", [])}
    for kind in kinds:
        out += _rule_changes(kind, live, program, names, managed)
    return out


def changes_markdown(found: list[Change]) -> str:
    """The list as Markdown, for a pull-request comment."""
    if not found:
        return "**Flashduty:** no change to routing, escalation or silence.\n"
    lines = [f"**Flashduty:** {len(found)} change(s) against the live configuration", ""]
    lines += [f"- **{c['change']}** {c['text']}" for c in found]
    return "\n".join(lines) + "\n"
