"""Turn a snapshot of live rules into a Pulumi Python program (plus Pulumi.yaml, README, requirements).

What the program looks like, and why:

- **One resource per rule**, named after the rule (``names.resource_names``), with
  ``adopt_rule_id=`` (escalation, silence) or ``adopt=True`` (routes), so the first ``pulumi up``
  takes the rules over instead of creating them, and writes nothing when they still match.
- **Look-ups instead of IDs** where a name identifies the object: channels and teams by name,
  members by email, templates by name; each look-up is a variable at the top, run once. Where a
  name is missing or shared, the literal ID stays, with a comment saying why. IDs of 2**53 and more
  are passed as strings (Pulumi numbers are float64).
- **Only what differs from the defaults** check fills in, in the field order of the contract.
- **No secret in the source**: every webhook setting except a few known harmless ones (alias,
  chat_ids, data_source_id) is read from secret stack config (``config.require_secret``); the
  README lists the ``pulumi config set --secret`` commands, without values.
- **Verified before it is written**: each resource's inputs are put through the provider's own
  ``check`` (numbers as the engine delivers them, floats) and compared with what the provider reads
  back from the live rule: equal means the adoption writes nothing. A rule that does not pass is
  written commented out with the reason; one that would change is flagged in a comment and a warning.
- **Deterministic**: the same live rules give the same bytes (no timestamps, sorted where the API's
  order means nothing, collisions settled by rule_id).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..models import EscalateRuleItem, RouteItem, SilenceRuleItem
from ..models.defaults import (
    DEFAULT_DESCRIPTION,
    DEFAULT_ESCALATION_AGGR_WINDOW,
    DEFAULT_ESCALATION_PRIORITY,
    DEFAULT_LAYER_ESCALATE_WINDOW,
    DEFAULT_LAYER_FORCE_ESCALATE,
    DEFAULT_LAYER_MAX_TIMES,
    DEFAULT_LAYER_NOTIFY_STEP,
    DEFAULT_SILENCE_IS_DIRECTLY_DISCARD,
    DEFAULT_SILENCE_PRIORITY,
    PRESET_TEMPLATE_ID,
)
from ..providers import EscalationRuleProvider, RoutingRuleProvider, SilenceRuleProvider
from ..providers.base import FlashdutyProvider
from ..providers.normalize import canonical_id
from .fetch import Directory, Snapshot
from .names import Identifiers, NameRequest, resource_names, slug
from .pysource import Call, Commented, Expr, py_str, render_call, resolve

__all__ = ["SAFE_WEBHOOK_SETTINGS", "ExportOptions", "ExportResult", "SecretSetting", "build_program"]

# Webhook settings that name where to post, not how to authenticate: written as they are. Every
# other setting (token, secret, verify_token, url...) goes through secret stack config.
SAFE_WEBHOOK_SETTINGS = frozenset({"alias", "chat_ids", "data_source_id"})

WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


@dataclass(frozen=True)
class ExportOptions:
    project_name: str = "flashduty-rules"
    # runtime.options.virtualenv of the generated Pulumi.yaml (relative to the program directory).
    virtualenv: str = "venv"
    # For the README's set-up commands only.
    base_url: str = ""
    package_requirement: str = "flashduty-pulumi"


@dataclass
class SecretSetting:
    """A webhook setting moved to secret stack config: its key, its value (never written to a
    file), whether it is JSON (not a string), and where it is used."""

    key: str
    value: Any
    is_object: bool
    uses: list[str] = field(default_factory=list)

    @property
    def config_text(self) -> str:
        """The value as `pulumi config set` takes it."""
        return json.dumps(self.value, sort_keys=True) if self.is_object else str(self.value)


@dataclass
class ExportResult:
    files: dict[str, str]
    secrets: list[SecretSetting]
    warnings: list[str]
    counts: dict[str, int]


# ----------------------------------------------------------------------------------- numbers


def engine_numbers(value: Any) -> Any:
    """``value`` as the engine hands it to a provider: every number a float (protobuf Struct)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, Mapping):
        return {k: engine_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [engine_numbers(v) for v in value]
    return value


def _id_literal(value: Any) -> Any:
    """An int64 ID as the program should write it: int below 2**53, decimal string from there."""
    return canonical_id(value)


def _whole(value: Any) -> Any:
    """``120.0`` as ``120`` (the API's numbers come back as floats; people write whole ones)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _utc(ts: int) -> str:
    return datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# ----------------------------------------------------------------------------------- look-ups


@dataclass(frozen=True)
class _Lookup:
    kind: str  # channel, template, member, team
    key: str  # the name or email looked up
    ident: Any  # the ID it resolves to (canonical)


_LOOKUP_FUNCS = {
    "channel": "fd.lookup_channel",
    "team": "fd.lookup_team",
    "member": "fd.lookup_member",
    "template": "fd.lookup_template",
}
_KIND_ORDER = {"channel": 0, "template": 1, "team": 2, "member": 3}


class _Refs:
    """Turns IDs into look-up variables (or commented literals) and webhook secrets into config."""

    def __init__(self, directory: Directory, idents: Identifiers) -> None:
        self.directory = directory
        self.idents = idents
        self.lookups: dict[_Lookup, str] = {}
        self.secrets: dict[str, SecretSetting] = {}  # by the value's JSON
        self._found: dict[tuple[str, Any], _Lookup | str] = {}

    def _once(self, kind: str, ident: Any, find: Callable[[], _Lookup | str]) -> _Lookup | str:
        """Each ID is resolved once per export (the directory is scanned, not indexed)."""
        key = (kind, ident)
        if key not in self._found:
            self._found[key] = find()
        return self._found[key]

    # -- which IDs can be looked up ----------------------------------------------------------

    def channel_lookup(self, channel_id: int) -> _Lookup | str:
        return self._once("channel", channel_id, lambda: self._channel_lookup(channel_id))

    def template_lookup(self, template_id: str) -> _Lookup | str:
        return self._once("template", template_id.lower(), lambda: self._template_lookup(template_id))

    def member_lookup(self, member_id: int) -> _Lookup | str:
        return self._once("member", member_id, lambda: self._member_lookup(member_id))

    def team_lookup(self, team_id: int) -> _Lookup | str:
        return self._once("team", team_id, lambda: self._team_lookup(team_id))

    def _channel_lookup(self, channel_id: int) -> _Lookup | str:
        found = [c for c in self.directory.channels if c.channel_id == channel_id]
        if not found:
            return "channel not visible to this app key"
        name = found[0].channel_name
        same = [c for c in self.directory.channels if c.channel_name == name]
        if not name or len(same) > 1:
            return f'channel "{name}": name not unique'
        return _Lookup("channel", name, _id_literal(channel_id))

    def _template_lookup(self, template_id: str) -> _Lookup | str:
        if template_id.lower() == PRESET_TEMPLATE_ID:
            return "the built-in preset template (name is localised)"
        listed = [t for t in self.directory.templates if t.template_id.lower() == template_id.lower()]
        if not listed:
            item = self.directory.template(template_id)
            name = f' "{item.template_name}"' if item is not None and item.template_name else ""
            return f"template{name}: not listed, so no look-up"
        name = listed[0].template_name
        same = [t for t in self.directory.templates if t.template_name == name]
        if not name or len(same) > 1:
            return f'template "{name}": name not unique'
        return _Lookup("template", name, template_id.lower())

    def _member_lookup(self, member_id: int) -> _Lookup | str:
        found = [m for m in self.directory.members if m.member_id == member_id]
        if not found:
            return "member not in /member/list"
        m = found[0]
        email = m.email.strip()
        if not email:
            return f'member "{m.member_name}": no email to look up'
        same = [x for x in self.directory.members if x.email.strip().casefold() == email.casefold()]
        if len(same) > 1:
            return f'member "{m.member_name}": email not unique'
        return _Lookup("member", email, _id_literal(member_id))

    def _team_lookup(self, team_id: int) -> _Lookup | str:
        found = [t for t in self.directory.teams if t.team_id == team_id]
        if not found:
            return "team not in /team/list"
        name = found[0].team_name
        same = [t for t in self.directory.teams if t.team_name == name]
        if not name or len(same) > 1:
            return f'team "{name}": name not unique'
        return _Lookup("team", name, _id_literal(team_id))

    # -- naming the look-up variables, once, in a fixed order -----------------------------------

    def allocate(self, wanted: Iterable[_Lookup]) -> None:
        ordered = sorted(set(wanted), key=lambda lk: (_KIND_ORDER[lk.kind], lk.key, str(lk.ident)))
        for lk in ordered:
            words = lk.key.split("@")[0] if lk.kind == "member" else lk.key
            self.lookups[lk] = self.idents.new(lk.kind, slug(words, sep="_") or str(lk.ident))

    def definitions(self) -> list[str]:
        lines: list[str] = []
        for lk, var in sorted(self.lookups.items(), key=lambda kv: (_KIND_ORDER[kv[0].kind], kv[1])):
            call = f"{_LOOKUP_FUNCS[lk.kind]}({py_str(lk.key)})"
            if isinstance(lk.ident, str) and lk.kind != "template":
                lines.append(f"{var} = str({call})  # IDs from 2**53 on travel as strings")
            else:
                lines.append(f"{var} = {call}")
        return lines

    # -- references --------------------------------------------------------------------------------

    def _ref(self, found: _Lookup | str, literal: Any) -> Any:
        if isinstance(found, _Lookup):
            var = self.lookups.get(found)
            if var is not None:
                return Expr(var, found.ident)
            return literal  # not allocated (scan mode)
        return Commented(literal, found)

    def channel(self, channel_id: Any) -> Any:
        return self._ref(self.channel_lookup(int(channel_id)), _id_literal(channel_id))

    def template(self, template_id: str) -> Any:
        return self._ref(self.template_lookup(template_id), template_id.lower())

    def member(self, member_id: Any) -> Any:
        return self._ref(self.member_lookup(int(member_id)), _id_literal(member_id))

    def team(self, team_id: Any) -> Any:
        return self._ref(self.team_lookup(int(team_id)), _id_literal(team_id))

    def secret(self, value: Any, key_words: list[str], use: str) -> Expr:
        identity = json.dumps(value, sort_keys=True)
        setting = self.secrets.get(identity)
        if setting is None:
            key = self.idents.new("", *key_words)
            setting = SecretSetting(key=key, value=value, is_object=not isinstance(value, str))
            self.secrets[identity] = setting
        if use not in setting.uses:
            setting.uses.append(use)
        return Expr(setting.key, value)


# ------------------------------------------------------------------------------- rule shapes


def _conditions(conds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": c["key"], "oper": c["oper"], "vals": list(c["vals"])} for c in conds]


def _filters(groups: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    return [_conditions(g) for g in groups]


def _time_filters(windows: list[dict[str, Any]]) -> list[Any]:
    out: list[Any] = []
    for tf in windows:
        node: dict[str, Any] = {"start": tf["start"], "end": tf["end"]}
        if tf.get("repeat"):
            node["repeat"] = list(tf["repeat"])
        if tf.get("cal_id"):
            node["cal_id"] = tf["cal_id"]
            node["is_off"] = bool(tf.get("is_off"))
            note = "calendar days off" if node["is_off"] else "calendar work days"
        elif tf.get("repeat"):
            note = ", ".join(WEEKDAYS[d] for d in sorted(set(tf["repeat"])) if 0 <= d <= 6)
        else:
            note = "every day"
        out.append(Commented(node, note))
    return out


@dataclass
class _Resource:
    """One rule to write: its call, where it goes, and what to say about it."""

    section: str
    name: str
    call: Call
    provider: FlashdutyProvider
    live_api: dict[str, Any]
    live_enabled: bool | None  # None for routes
    title: str
    notes: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, snapshot: Snapshot, directory: Directory, options: ExportOptions) -> None:
        self.snapshot = snapshot
        self.directory = directory
        self.options = options
        self.idents = Identifiers()
        self.refs = _Refs(directory, self.idents)
        self.warnings: list[str] = []
        self.esc = EscalationRuleProvider()
        self.sil = SilenceRuleProvider()
        self.route = RoutingRuleProvider()

    # -- pass 1: which look-ups the rules need ----------------------------------------------------

    def _scan(self) -> None:
        found: list[_Lookup | str] = []
        for chr_ in self.snapshot.channels:
            for esc in chr_.escalation:
                found.append(self.refs.channel_lookup(esc.channel_id))
                found.append(self.refs.template_lookup(esc.template_id))
                for layer in esc.layers:
                    found += [self.refs.member_lookup(i) for i in layer.target.person_ids]
                    found += [self.refs.team_lookup(i) for i in layer.target.team_ids]
            for sil in chr_.silence:
                found.append(self.refs.channel_lookup(sil.channel_id))
        for rr in self.snapshot.routes:
            if rr.route is None:
                continue
            for case in rr.route.cases:
                found += [self.refs.channel_lookup(i) for i in case.channel_ids]
            if rr.route.default is not None:
                found += [self.refs.channel_lookup(i) for i in rr.route.default.channel_ids]
        self.refs.allocate(lk for lk in found if isinstance(lk, _Lookup))

    # -- names ---------------------------------------------------------------------------------------

    def _names(self) -> dict[str, str]:
        requests: list[NameRequest] = []
        for chr_ in self.snapshot.channels:
            scope = slug(chr_.channel.channel_name) or f"channel-{chr_.channel.channel_id}"
            for kind, items in (("escalation", chr_.escalation), ("silence", chr_.silence)):
                for item in items:
                    requests.append(
                        NameRequest(
                            key=f"{kind}:{item.rule_id.lower()}",
                            base=slug(item.rule_name),
                            scope=scope,
                            kind=kind,
                            fallback=f"{kind}-{item.rule_id.lower()[-8:]}",
                        )
                    )
        for rr in self.snapshot.routes:
            requests.append(
                NameRequest(
                    key=f"route:{rr.integration_id:020d}",
                    base=f"route-{rr.integration_id}",
                    scope="",
                    kind="route",
                    fallback=f"route-{rr.integration_id}",
                )
            )
        return resource_names(requests)

    # -- escalation rules -------------------------------------------------------------------------

    def _target(self, target: dict[str, Any], where: str, rule_words: list[str]) -> dict[str, Any]:
        node: dict[str, Any] = {}
        if target.get("person_ids"):
            node["person_ids"] = [self.refs.member(i) for i in target["person_ids"]]
        if target.get("team_ids"):
            node["team_ids"] = [self.refs.team(i) for i in target["team_ids"]]
        if target.get("schedule_to_role_ids"):
            node["schedule_to_role_ids"] = Commented(
                {str(k): [_id_literal(r) for r in v] for k, v in target["schedule_to_role_ids"].items()},
                "schedule ID -> role IDs (0: the default role); schedules have no look-up",
            )
        if target.get("emails"):
            node["emails"] = list(target["emails"])
        by = target.get("by")
        if by:
            by_node: dict[str, Any] = {}
            if by.get("follow_preference"):
                by_node["follow_preference"] = True
            for sev in ("critical", "warning", "info"):
                if by.get(sev):
                    by_node[sev] = list(by[sev])
            if by_node:
                node["by"] = by_node
        hooks = target.get("webhooks") or []
        if hooks:
            node["webhooks"] = [self._webhook(h, where, rule_words) for h in hooks]
        return node

    def _webhook(self, hook: dict[str, Any], where: str, rule_words: list[str]) -> dict[str, Any]:
        kind = str(hook.get("type", ""))
        settings = dict(hook.get("settings") or {})
        alias = settings.get("alias")
        label = f'{kind} webhook "{alias}"' if isinstance(alias, str) and alias else f"{kind} webhook"
        out: dict[str, Any] = {}
        for key, value in settings.items():
            if key in SAFE_WEBHOOK_SETTINGS or value in (None, "", [], {}):
                out[key] = value
                continue
            words = [kind, alias] if isinstance(alias, str) and alias else [kind, *rule_words]
            out[key] = self.refs.secret(value, [*words, key], f"`{key}` of the {label} in {where}")
        return {"type": kind, "settings": out}

    def _escalation(self, item: EscalateRuleItem, section: str, name: str, channel_label: str) -> _Resource:
        raw = item.as_inputs()
        where_rule = f'escalation rule "{item.rule_name}" (channel {channel_label})'
        kwargs: list[tuple[str, Any]] = [
            ("rule_name", item.rule_name),
            ("channel_id", self.refs.channel(raw["channel_id"])),
            ("template_id", self.refs.template(raw["template_id"])),
        ]
        if raw["priority"] != DEFAULT_ESCALATION_PRIORITY:
            kwargs.append(("priority", raw["priority"]))
        if raw["aggr_window"] != DEFAULT_ESCALATION_AGGR_WINDOW:
            kwargs.append(("aggr_window", raw["aggr_window"]))
        if raw["description"] != DEFAULT_DESCRIPTION:
            kwargs.append(("description", raw["description"]))
        if raw["time_filters"]:
            kwargs.append(("time_filters", _time_filters(raw["time_filters"])))
        if raw["filters"]:
            kwargs.append(("filters", _filters(raw["filters"])))
        layers: list[Any] = []
        for n, layer in enumerate(raw["layers"], 1):
            lnode: dict[str, Any] = {
                "target": self._target(layer["target"], f"layer {n} of {where_rule}", [name, f"l{n}"])
            }
            defaults = (
                ("max_times", DEFAULT_LAYER_MAX_TIMES),
                ("notify_step", DEFAULT_LAYER_NOTIFY_STEP),
                ("escalate_window", DEFAULT_LAYER_ESCALATE_WINDOW),
                ("force_escalate", DEFAULT_LAYER_FORCE_ESCALATE),
            )
            for key, default in defaults:
                if layer[key] != default:
                    lnode[key] = _whole(layer[key])
            layers.append(lnode)
        kwargs.append(("layers", layers))
        enabled = item.status != "disabled"
        if not enabled:
            kwargs.append(("enabled", False))
        kwargs.append(("adopt_rule_id", item.rule_id.lower()))
        return _Resource(
            section=section,
            name=name,
            call=Call("fd.EscalationRule", (name,), tuple(kwargs)),
            provider=self.esc,
            live_api=self.esc.live_inputs(raw),
            live_enabled=enabled,
            title=where_rule,
        )

    # -- silence rules -----------------------------------------------------------------------------

    def _silence(self, item: SilenceRuleItem, section: str, name: str, channel_label: str) -> _Resource:
        raw = item.as_inputs()
        kwargs: list[tuple[str, Any]] = [
            ("rule_name", item.rule_name),
            ("channel_id", self.refs.channel(raw["channel_id"])),
        ]
        if raw["priority"] != DEFAULT_SILENCE_PRIORITY:
            kwargs.append(("priority", raw["priority"]))
        if raw["description"] != DEFAULT_DESCRIPTION:
            kwargs.append(("description", raw["description"]))
        if raw["is_directly_discard"] != DEFAULT_SILENCE_IS_DIRECTLY_DISCARD:
            kwargs.append(("is_directly_discard", raw["is_directly_discard"]))
        kwargs.append(("filters", _filters(raw["filters"])))
        once = raw.get("time_filter")
        if once is not None:
            window = {"start_time": once["start_time"], "end_time": once["end_time"]}
            note = f"{_utc(once['start_time'])} to {_utc(once['end_time'])}"
            kwargs.append(("time_filter", Commented(window, note)))
        else:
            kwargs.append(("time_filters", _time_filters(raw.get("time_filters") or [])))
        enabled = item.status != "disabled"
        if not enabled:
            kwargs.append(("enabled", False))
        kwargs.append(("adopt_rule_id", item.rule_id.lower()))
        res = _Resource(
            section=section,
            name=name,
            call=Call("fd.SilenceRule", (name,), tuple(kwargs)),
            provider=self.sil,
            live_api=self.sil.live_inputs(raw),
            live_enabled=enabled,
            title=f'silence rule "{item.rule_name}" (channel {channel_label})',
        )
        if item.is_auto_delete:
            res.notes.append(
                "In Flashduty this rule deletes itself once its window has passed (is_auto_delete), which "
                "this package does not manage: an update from Pulumi sends the rule without it."
            )
        return res

    # -- routes ------------------------------------------------------------------------------------

    def _route(self, integration_id: int, route: RouteItem, name: str) -> _Resource:
        raw = route.as_inputs()
        cases: list[Any] = []
        for case in raw["cases"]:
            cnode: dict[str, Any] = {"if": _conditions(case["if"])}
            if case["routing_mode"] == "name_mapping":
                cnode["routing_mode"] = "name_mapping"
                cnode["name_mapping_label"] = case.get("name_mapping_label", "")
                if case["channel_ids"]:
                    cnode["channel_ids"] = [self.refs.channel(i) for i in case["channel_ids"]]
            else:
                cnode["channel_ids"] = [self.refs.channel(i) for i in case["channel_ids"]]
                if case["routing_mode"] != "standard":
                    cnode["routing_mode"] = case["routing_mode"]
            if case["fallthrough"]:
                cnode["fallthrough"] = True
            cases.append(cnode)
        kwargs: list[tuple[str, Any]] = [
            (
                "integration_id",
                Commented(
                    _id_literal(integration_id), "integrations have no look-up: the API cannot list them"
                ),
            ),
        ]
        if cases:
            kwargs.append(("cases", cases))
        if raw.get("default"):
            kwargs.append(
                ("default", {"channel_ids": [self.refs.channel(i) for i in raw["default"]["channel_ids"]]})
            )
        if raw["sections"]:
            kwargs.append(
                ("sections", [{"name": s["name"], "position": s["position"]} for s in raw["sections"]])
            )
        kwargs.append(("adopt", True))
        return _Resource(
            section="routes",
            name=name,
            call=Call("fd.RoutingRule", (name,), tuple(kwargs)),
            provider=self.route,
            live_api=self.route.live_inputs(raw),
            live_enabled=None,
            title=f"routing rule of integration {integration_id}",
        )

    # -- the whole program --------------------------------------------------------------------------

    def resources(self) -> tuple[list[_Resource], list[str]]:
        self._scan()
        names = self._names()
        out: list[_Resource] = []
        empty: list[str] = []
        for chr_ in self.snapshot.channels:
            ch = chr_.channel
            label = f'"{ch.channel_name}"' if ch.channel_name else str(ch.channel_id)
            section = f"Channel {label} (ID {ch.channel_id})"
            esc = sorted(chr_.escalation, key=lambda r: (r.priority, r.created_at, r.rule_id))
            sil = sorted(chr_.silence, key=lambda r: (r.priority, r.created_at, r.rule_id))
            for e in esc:
                out.append(self._escalation(e, section, names[f"escalation:{e.rule_id.lower()}"], label))
            for s in sil:
                out.append(self._silence(s, section, names[f"silence:{s.rule_id.lower()}"], label))
            if not esc and not sil:
                empty.append(section)
        for rr in self.snapshot.routes:
            if rr.route is None:
                self.warnings.append(
                    f"integration {rr.integration_id} has no routing rule: nothing to export"
                )
                continue
            out.append(self._route(rr.integration_id, rr.route, names[f"route:{rr.integration_id:020d}"]))
        return out, empty


def verify(res: _Resource) -> tuple[str | None, list[str]]:
    """(why the rule cannot be declared, or None; the API fields an adoption would change)."""
    news = engine_numbers(dict(resolve(dict(res.call.kwargs))))
    result = res.provider.check({}, news)
    if result.failures:
        reasons = "; ".join(f"{f.property}: {f.reason}" if f.property else f.reason for f in result.failures)
        return reasons, []
    api, own = res.provider.split(result.inputs or {})
    changed = sorted(k for k in set(api) | set(res.live_api) if api.get(k) != res.live_api.get(k))
    if res.live_enabled is not None and own.get("enabled", True) != res.live_enabled:
        changed.append("enabled")
    return None, changed


def _resource_text(res: _Resource, warnings: list[str]) -> tuple[str, bool]:
    """The resource's source (commented out when it cannot be declared) and whether it was kept."""
    failure, changed = verify(res)
    lines: list[str] = [f"# {' '.join(n.split())}" for n in res.notes]
    body = render_call(res.call)
    if failure is not None:
        warnings.append(f"{res.title} was not exported (written commented out): {failure}")
        lines.append(
            f"# NOT EXPORTED: this package's checks refuse the live rule: {' '.join(failure.split())}"
        )
        lines.append("# Fix it in Flashduty (or here) and uncomment it.")
        lines += [f"# {line}" if line else "#" for line in body.splitlines()]
        return "\n".join(lines), False
    if changed:
        fields = ", ".join(changed)
        warnings.append(f"{res.title}: the first `pulumi up` would update {fields}")
        lines.append(f"# WARNING: adopting this rule would update {fields}; check them before `pulumi up`.")
    lines.append(body)
    return "\n".join(lines), True


HEADER = '''"""Flashduty rules as code, exported from the live account by `flashduty-pulumi export`.

Every resource adopts the rule it was exported from (adopt_rule_id=... / adopt=True): the first
`pulumi up` brings the rules under management without recreating them, and writes nothing to
Flashduty while they still match this program. Edit a rule here and `pulumi up` updates it in
place. Set-up (stack config, webhook secrets): README.md.
"""
'''


def build_program(
    snapshot: Snapshot, directory: Directory, options: ExportOptions | None = None
) -> ExportResult:
    """The generated project's files (``__main__.py``, ``Pulumi.yaml``, ``requirements.txt``,
    ``README.md``), the secrets the stack needs, warnings, and counts."""
    options = options or ExportOptions()
    b = _Builder(snapshot, directory, options)
    resources, empty = b.resources()
    blocks: list[tuple[str, str]] = []
    kept = skipped = 0
    counts = {"escalation": 0, "silence": 0, "route": 0}
    for res in resources:
        text, ok = _resource_text(res, b.warnings)
        blocks.append((res.section, text))
        if ok:
            kept += 1
            kind = res.call.func.removeprefix("fd.")
            counts[
                {"EscalationRule": "escalation", "SilenceRule": "silence", "RoutingRule": "route"}[kind]
            ] += 1
        else:
            skipped += 1
    counts["skipped"] = skipped
    secrets = list(b.refs.secrets.values())

    parts: list[str] = [HEADER]
    imports = ["import flashduty_pulumi as fd"]
    if secrets:
        imports.append("import pulumi")
    parts.append("\n".join(imports) + "\n")
    if secrets:
        parts.append("config = pulumi.Config()\n")
    lookups = b.refs.definitions()
    if lookups:
        parts.append(
            "# Look-ups: the IDs the rules use, found by name (or email) each time the program runs.\n"
            + "\n".join(lookups)
            + "\n"
        )
    if secrets:
        defs = []
        for s in sorted(secrets, key=lambda s: s.key):
            fn = "require_secret_object" if s.is_object else "require_secret"
            defs.append(f"{s.key} = config.{fn}({py_str(s.key)})")
        parts.append(
            "# Webhook credentials: secret stack config, never in this file (README.md lists the\n"
            "# `pulumi config set --secret` commands).\n" + "\n".join(defs) + "\n"
        )
    section = None
    for sec, text in blocks:
        if sec != section:
            title = "Routing rules (one per shared integration)" if sec == "routes" else sec
            parts.append(f"# {'=' * 4} {title} {'=' * max(4, 90 - len(title))}\n")
            section = sec
        parts.append(text + "\n")
    if not blocks:
        parts.append("# No rules were found in the selected channels and integrations.\n")
    main = "\n".join(parts)
    files = {
        "__main__.py": main,
        "Pulumi.yaml": _pulumi_yaml(options),
        "requirements.txt": f"{options.package_requirement}\n",
        "README.md": _readme(snapshot, options, secrets, counts, b.warnings, empty),
    }
    return ExportResult(files=files, secrets=secrets, warnings=list(b.warnings), counts=counts)


def _pulumi_yaml(options: ExportOptions) -> str:
    return (
        f"name: {options.project_name}\n"
        "description: Flashduty rules exported by flashduty-pulumi export\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        "    toolchain: pip\n"
        f"    virtualenv: {options.virtualenv}\n"
    )


def _readme(
    snapshot: Snapshot,
    options: ExportOptions,
    secrets: list[SecretSetting],
    counts: dict[str, int],
    warnings: list[str],
    empty: list[str],
) -> str:
    url = options.base_url or "https://api.flashcat.cloud"
    channels = ", ".join(
        f"{c.channel.channel_name or c.channel.channel_id} ({c.channel.channel_id})"
        for c in snapshot.channels
    )
    integrations = ", ".join(str(r.integration_id) for r in snapshot.routes)
    lines = [
        "# Flashduty rules (exported)",
        "",
        "Generated by `flashduty-pulumi export`: "
        f"{counts['escalation']} escalation rules, {counts['silence']} silence rules and "
        f"{counts['route']} routing rules.",
        "",
        f"- Channels: {channels or 'none'}",
        f"- Integrations (routing rules): {integrations or 'none (pass --integration ID to export routes)'}",
        "",
        "## Set up a stack",
        "",
        "```sh",
        f"python -m venv {options.virtualenv} && {options.virtualenv}/bin/pip install -r requirements.txt",
        "pulumi stack init prod",
        f"pulumi config set flashduty:baseUrl {url}",
        "pulumi config set --secret flashduty:appKey    # prompts for the key: not in shell history",
    ]
    for s in sorted(secrets, key=lambda s: s.key):
        lines.append(f"pulumi config set --secret {s.key}")
    lines += ["```", ""]
    if secrets:
        lines += [
            "The webhook credentials are not in the program: each is read from secret stack config.",
            "Copy each value from the Flashduty console when prompted, or let the exporter store them",
            "(straight from the API into the stack's encrypted config, never on disk in plain text):",
            "`flashduty-pulumi export ... --force --secrets-stack prod` (run it after `pulumi stack init`).",
            "",
            "| config key | what it is |",
            "|---|---|",
        ]
        for s in sorted(secrets, key=lambda s: s.key):
            kind = " (JSON)" if s.is_object else ""
            uses = "; ".join(s.uses).replace("|", "\\|")
            lines.append(f"| `{s.key}`{kind} | {uses} |")
        lines.append("")
    lines += [
        "## The first `pulumi up`",
        "",
        "Each resource carries `adopt_rule_id=` (escalation and silence rules) or `adopt=True` (routing",
        "rules). Pulumi shows the rules as created, because they are new to its state, but Flashduty",
        "receives no write while a rule still matches the program; `pulumi preview --expect-no-changes`",
        "passes afterwards. From then on, edit the program and `pulumi up` updates the rules in place.",
        "Once adopted, `adopt_rule_id` may be deleted from the program (it only matters at creation).",
        "",
        'Routing rules keep `delete_behavior="retain"`: `pulumi destroy` leaves them in Flashduty.',
        "Escalation and silence rules are deleted by `pulumi destroy`.",
        "",
    ]
    if warnings or empty:
        lines += ["## Notes", ""]
        lines += [f"- {w}" for w in warnings]
        lines += [f"- {e}: no rules" for e in empty]
        lines.append("")
    return "\n".join(lines)
