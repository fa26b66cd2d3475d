"""Cross-field rules the spec states only in prose, checked after the JSON Schema passes.

Each rule quotes the sentence it enforces: a schema's `description` in the spec or its `x-mint`
usage notes. Where the spec is silent or the vendor's texts disagree, the strict reading is chosen
and marked `# Decision N` (the list is server.py's DECISIONS): a careless client should fail here
loudly rather than succeed against the emulator and fail later.

These rules need no stored state; references to stored objects (channels, templates, members,
versions) are checked by the endpoint handlers in api.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from flashduty_pulumi.emulator.errors import SpecError

Body = Mapping[str, Any]
Rule = Callable[[Body], Iterator[SpecError]]

# Matched with fullmatch and ASCII classes only: `$` would accept a trailing newline and `\d` other
# scripts' digits, and a value stored that way breaks the spec's response patterns on every read.
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")
_HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_DIGITS = re.compile(r"[0-9]+")


def _err(path: str, message: str, rule: str) -> SpecError:
    return SpecError(path, message, f"rule:{rule}")


def _given(value: object) -> bool:
    """Present and not empty. [] and null count as absent: the reading a Go handler's `len(x) > 0`
    or `x != nil` check would give (the server's code is not public)."""
    return value is not None and value != [] and value != {}


# ---------------------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------------------


def _route_cases_or_default(body: Body) -> Iterator[SpecError]:
    # The spec, UpsertRouteRequest.description: "At least one of `cases` or `default` must be provided."
    if not _given(body.get("cases")) and body.get("default") is None:
        yield _err("cases", "at least one of cases or default must be provided", "cases-or-default")
    # A default must name channels too: an empty default would route alerts nowhere and drop them.
    default = body.get("default")
    if isinstance(default, Mapping) and not _given(default.get("channel_ids")):
        yield _err(
            "default.channel_ids", "must list at least one channel when default is given", "default-channels"
        )


def _route_case_modes(body: Body) -> Iterator[SpecError]:
    for i, case in enumerate(body.get("cases") or ()):
        mode = case.get("routing_mode") or "standard"
        where = f"cases[{i}]"
        if mode == "standard":
            # The spec, RouteCase.channel_ids: "Required when `routing_mode` is `standard` (or empty)."
            if not _given(case.get("channel_ids")):
                yield _err(
                    f"{where}.channel_ids", "is required when routing_mode is standard", "standard-channels"
                )
            if "name_mapping_label" in case:
                yield _err(
                    f"{where}.name_mapping_label",
                    "is only valid with routing_mode name_mapping",
                    "standard-no-label",
                )
            continue
        # The spec, RouteCase.name_mapping_label: "Required when `routing_mode` is `name_mapping`."
        label = case.get("name_mapping_label")
        if not label:
            yield _err(
                f"{where}.name_mapping_label",
                "is required when routing_mode is name_mapping",
                "name-mapping-label",
            )
        # Decision 6: the label must be written `labels.<name>` (the form of every example the spec
        # and the vendor's Terraform provider give; a bare `team` is rejected), and channel_ids must
        # be empty (the mapping picks the channel). Strict, so a client never relies on either
        # being silently ignored.
        elif not label.startswith("labels.") or label == "labels.":
            yield _err(
                f"{where}.name_mapping_label",
                "must be a label key of the form labels.<name>",
                "name-mapping-label-form",
            )
        if _given(case.get("channel_ids")):
            yield _err(
                f"{where}.channel_ids",
                "must be empty when routing_mode is name_mapping",
                "name-mapping-no-channels",
            )


def _route_sections(body: Body) -> Iterator[SpecError]:
    n_cases = len(body.get("cases") or ())
    seen: set[str] = set()
    for i, section in enumerate(body.get("sections") or ()):
        # The spec, RouteSection.position: "Must be between 0 and the length of `cases`." (else 400)
        position = section.get("position")
        if isinstance(position, int) and not 0 <= position <= n_cases:
            yield _err(
                f"sections[{i}].position",
                f"must be between 0 and {n_cases} (the number of cases)",
                "section-position",
            )
        # The spec, RouteSection.name: "Must be unique within the rule."
        name = section.get("name")
        if name in seen:
            yield _err(f"sections[{i}].name", f"duplicates the section name {name!r}", "section-name-unique")
        seen.add(name)


def _route_info_id(body: Body) -> Iterator[SpecError]:
    # The spec, RouteInfoRequest.integration_id: "Must be greater than 0."
    if isinstance(body.get("integration_id"), int) and body["integration_id"] <= 0:
        yield _err("integration_id", "must be greater than 0", "integration-id-positive")


# ---------------------------------------------------------------------------------------------------
# Shared shapes: time windows and filters
# ---------------------------------------------------------------------------------------------------


def _time_filters(items: Sequence[Mapping[str, Any]] | None, where: str) -> Iterator[SpecError]:
    for i, tf in enumerate(items or ()):
        at = f"{where}[{i}]"
        start, end = tf.get("start"), tf.get("end")
        # The spec, TimeFilter: "`start`/`end` use 24-hour `HH:MM` format"; both are required.
        for name, value in (("start", start), ("end", end)):
            if value is None:
                yield _err(f"{at}.{name}", "is required (HH:MM)", "time-filter-required")
            elif not _HHMM.fullmatch(value):
                yield _err(
                    f"{at}.{name}", "must be a 24-hour time HH:MM (00:00 to 23:59)", "time-filter-format"
                )
        # Decision 8: windows crossing midnight (22:00-06:00) are rejected; start must be before end,
        # as the older API text states. A client splits such a window in two. Strict,
        # because a server that silently read it as empty would never match.
        if (
            isinstance(start, str)
            and isinstance(end, str)
            and _HHMM.fullmatch(start)
            and _HHMM.fullmatch(end)
            and start >= end
        ):
            yield _err(
                f"{at}.end",
                f"must be later than start ({start}); split windows that cross midnight",
                "time-filter-order",
            )
        # The spec, TimeFilter.repeat: "0=Sunday ... 6=Saturday".
        for j, day in enumerate(tf.get("repeat") or ()):
            if not 0 <= day <= 6:
                yield _err(
                    f"{at}.repeat[{j}]", "must be a weekday 0 (Sunday) to 6 (Saturday)", "time-filter-weekday"
                )
        # Decision 8: weekday mode (`repeat`) and calendar mode (`cal_id`/`is_off`) in one entry are
        # rejected, as the older API text calls them mutually exclusive;
        # `is_off` without a calendar means nothing and is rejected too.
        if _given(tf.get("repeat")) and tf.get("cal_id"):
            yield _err(
                f"{at}.cal_id",
                "cannot be combined with repeat (weekday and calendar modes are exclusive)",
                "time-filter-mode",
            )
        if tf.get("is_off") and not tf.get("cal_id"):
            yield _err(
                f"{at}.is_off", "needs cal_id (it selects the calendar's days off)", "time-filter-is-off"
            )


def _no_empty_groups(filters: Sequence[Sequence[Any]] | None, where: str) -> Iterator[SpecError]:
    # An empty AND group matches every alert: for silence rules that defeats "filters must be
    # non-empty" (the spec, CreateSilenceRuleRequest.description), so it is rejected as well.
    for i, group in enumerate(filters or ()):
        if not group:
            yield _err(f"{where}[{i}]", "must contain at least one condition", "filter-group-non-empty")


# ---------------------------------------------------------------------------------------------------
# Escalation rules
# ---------------------------------------------------------------------------------------------------

_RECIPIENTS = ("person_ids", "team_ids", "schedule_to_role_ids", "emails")
# Decision 9: the accepted `by` values are exactly the documented ones: email, sms, voice, push,
# and an IM app bound to an IM integration, written `<app>_app:<id>`. A bare `feishu` (one of the
# spec's examples) is rejected: it does not say which IM integration to use.
_BY_PLAIN = frozenset({"email", "sms", "voice", "push"})
_BY_APP = re.compile(r"(feishu|dingtalk|wecom|teams)_app:[0-9]+")
# Decision 9: webhook types are the older API text's list plus the spec's `slack`, `teams`, `custom`.
# Settings are checked for the types whose settings that text documents; the rest are free objects.
# A bot's `alias` is not required: today's spec has free-form settings; only an older API text
# asked for it. The `token` stays required: a bot cannot be reached without it.
_APP_WEBHOOKS = frozenset({"feishu_app", "wecom_app", "dingtalk_app", "slack_app", "teams_app"})
_BOT_WEBHOOKS = frozenset({"feishu", "wecom", "dingtalk", "zoom", "telegram"})
_OTHER_WEBHOOKS = frozenset({"slack", "teams", "custom"})
_BOT_EXTRA = {"telegram": ("chat_ids",), "zoom": ("verify_token",)}


def _target(target: Mapping[str, Any], at: str) -> Iterator[SpecError]:
    # The spec, EscalateTarget.description: "At least one of person_ids, team_ids, schedule_to_role_ids,
    # or emails must be set, together with either by or webhooks."
    if not any(_given(target.get(name)) for name in _RECIPIENTS):
        yield _err(
            at,
            "needs at least one recipient: person_ids, team_ids, schedule_to_role_ids or emails",
            "target-recipient",
        )
    by = target.get("by")
    by_delivers = isinstance(by, Mapping) and (
        by.get("follow_preference") is True or any(_given(by.get(s)) for s in ("critical", "warning", "info"))
    )
    if not by_delivers and not _given(target.get("webhooks")):
        yield _err(
            at,
            "needs a delivery path: by (follow_preference or per-severity channels) or webhooks",
            "target-delivery",
        )
    if isinstance(by, Mapping):
        for severity in ("critical", "warning", "info"):
            for j, value in enumerate(by.get(severity) or ()):
                if value not in _BY_PLAIN and not _BY_APP.fullmatch(value):
                    yield _err(
                        f"{at}.by.{severity}[{j}]",
                        "must be email, sms, voice, push or <feishu|dingtalk|wecom|teams>_app:<id>",
                        "by-channel",
                    )
    for j, hook in enumerate(target.get("webhooks") or ()):
        kind, settings = hook.get("type"), hook.get("settings") or {}
        if kind in _APP_WEBHOOKS:
            needed: tuple[str, ...] = ("data_source_id", "chat_ids")
        elif kind in _BOT_WEBHOOKS:
            needed = ("token", *_BOT_EXTRA.get(kind, ()))
        elif kind in _OTHER_WEBHOOKS:
            needed = ()
        else:
            known = sorted(_APP_WEBHOOKS | _BOT_WEBHOOKS | _OTHER_WEBHOOKS)
            yield _err(f"{at}.webhooks[{j}].type", "must be one of " + ", ".join(known), "webhook-type")
            continue
        for name in needed:
            if not _given(settings.get(name)):
                yield _err(
                    f"{at}.webhooks[{j}].settings.{name}",
                    f"is required for webhook type {kind}",
                    "webhook-settings",
                )
    # schedule_to_role_ids maps a schedule ID (a string key) to role IDs; [0] is the default role
    # (the vendor's Terraform provider sends it). An empty role list would notify nobody: rejected.
    for key, roles in (target.get("schedule_to_role_ids") or {}).items():
        if not _DIGITS.fullmatch(key):
            yield _err(
                f"{at}.schedule_to_role_ids.{key}",
                "key must be a schedule ID (decimal digits)",
                "schedule-key",
            )
        elif not roles:
            yield _err(
                f"{at}.schedule_to_role_ids.{key}",
                "must list at least one role ID (0 = default role)",
                "schedule-roles",
            )


def _escalation(body: Body) -> Iterator[SpecError]:
    layers = body.get("layers") or []
    # The spec, layers.description: "Escalation levels in order. At least one level is required."
    if not layers:
        yield _err("layers", "must contain at least one layer", "layers-non-empty")
    for i, layer in enumerate(layers):
        yield from _target(layer.get("target") or {}, f"layers[{i}].target")
    yield from _time_filters(body.get("time_filters"), "time_filters")


def _escalation_update_ranges(body: Body) -> Iterator[SpecError]:
    # Decision 7: update enforces create's ranges (priority 0-200,
    # aggr_window 0-3600) although its schema states none; a value create would refuse must not
    # slip in through update. Priorities need not be unique (ties keep creation order).
    for name, high in (("priority", 200), ("aggr_window", 3600)):
        value = body.get(name)
        if isinstance(value, int) and not 0 <= value <= high:
            yield _err(name, f"must be between 0 and {high} (as on create)", "update-range")


# ---------------------------------------------------------------------------------------------------
# Silence rules
# ---------------------------------------------------------------------------------------------------


def _silence(body: Body) -> Iterator[SpecError]:
    # The spec, Create/UpdateSilenceRuleRequest.description: "Exactly one of `time_filter` or `time_filters`
    # must be provided, and `filters` must be non-empty." ([] and null count as not provided.)
    once, recurring = _given(body.get("time_filter")), _given(body.get("time_filters"))
    if once and recurring:
        yield _err(
            "time_filters",
            "cannot be given together with time_filter (exactly one of them)",
            "silence-one-window",
        )
    elif not once and not recurring:
        yield _err(
            "time_filter", "exactly one of time_filter or time_filters must be given", "silence-one-window"
        )
    if not _given(body.get("filters")):
        yield _err("filters", "must be non-empty for a silence rule", "silence-filters")
    yield from _no_empty_groups(body.get("filters"), "filters")
    window = body.get("time_filter")
    # The spec, OnceTimeFilter.start_time: "Must be > 0 and less than `end_time`." Create's inline copy of
    # the window omits the "> 0" bound, but the rule is listed as a OnceTimeFilter, so it applies.
    if isinstance(window, Mapping):
        start, end = window.get("start_time"), window.get("end_time")
        for name, value in (("start_time", start), ("end_time", end)):
            if isinstance(value, int) and value <= 0:
                yield _err(f"time_filter.{name}", "must be greater than 0 (unix seconds)", "once-positive")
        if isinstance(start, int) and isinstance(end, int) and start >= end:
            yield _err("time_filter.end_time", f"must be greater than start_time ({start})", "once-order")
    yield from _time_filters(body.get("time_filters"), "time_filters")
    # The spec's SilenceRuleItem.from_incident_id has pattern ^[0-9a-fA-F]{24}$: the server echoes it, so a
    # value that could not be echoed validly is rejected at the door.
    source = body.get("from_incident_id")
    if isinstance(source, str) and source and not _OBJECT_ID.fullmatch(source):
        yield _err("from_incident_id", "must be an incident ID (24 hex characters)", "incident-id")


# ---------------------------------------------------------------------------------------------------
# Look-ups
# ---------------------------------------------------------------------------------------------------


def _team_info(body: Body) -> Iterator[SpecError]:
    # The platform spec, /team/info x-mint usage: "At least one of team_id, team_name, or ref_id
    # must be provided."
    if not any(_given(body.get(name)) for name in ("team_id", "team_name", "ref_id")):
        yield _err("team_id", "one of team_id, team_name or ref_id must be provided", "team-identifier")


RULES: dict[str, tuple[Rule, ...]] = {
    "/route/upsert": (_route_cases_or_default, _route_case_modes, _route_sections),
    "/route/info": (_route_info_id,),
    "/channel/escalate/rule/create": (_escalation,),
    "/channel/escalate/rule/update": (_escalation, _escalation_update_ranges),
    "/channel/silence/rule/create": (_silence,),
    "/channel/silence/rule/update": (_silence,),
    "/team/info": (_team_info,),
}


def check(path: str, body: Body) -> list[SpecError]:
    """Prose rules broken by a schema-valid `body` sent to `path` ([] = none)."""
    return [error for rule in RULES.get(path, ()) for error in rule(body)]
