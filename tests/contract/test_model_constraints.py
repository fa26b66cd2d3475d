"""Every constraint of the official request schemas is enforced by our request models.

The test walks the request schema of each in-scope endpoint in the official OpenAPI documents
(../shared/flashduty-openapi/, or FLASHDUTY_OPENAPI_DIR) and, for every constraint keyword it finds
(type, required, minLength, maxLength, pattern, enum, minimum, maximum, exclusiveMinimum, minItems,
maxItems), breaks a valid baseline body in exactly that spot, checks the official schema rejects
the result, and asserts our model rejects it too. A constraint counts as enforced only if it is
rejected at every place the baselines exercise it.

The few constraints the models deliberately satisfy by *repair* instead of rejection are listed in
``REPAIRED`` with the reason; for those the test asserts that the body we would send
(``model.to_body()``) is valid against the spec. The tally "N of M spec constraints enforced" is
printed and, if FLASHDUTY_CONSTRAINT_REPORT names a file, written there as JSON.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.validators import extend
from pydantic import BaseModel, ValidationError

from flashduty_pulumi import models as m

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = Path(os.environ.get("FLASHDUTY_OPENAPI_DIR", REPO.parent / "shared" / "flashduty-openapi"))
KEYWORDS = (
    "type",
    "required",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "minItems",
    "maxItems",
)

RID = "5f2d8c0e9a1b2c3d4e5f6a7b"
FILTERS = [
    [
        {"key": "severity", "oper": "IN", "vals": ["Critical"]},
        {"key": "labels.env", "oper": "NOTIN", "vals": ["dev"]},
    ]
]
TIME_FILTERS = [
    {"start": "09:00", "end": "18:00", "repeat": [1, 5]},
    {"start": "00:00", "end": "23:59", "cal_id": "zh-cn.china.official", "is_off": True},
]
TARGET = {
    "person_ids": [101],
    "team_ids": [202],
    "schedule_to_role_ids": {"303": [0]},
    "emails": ["a@example.com"],
    "by": {"follow_preference": False, "critical": ["voice"], "warning": ["sms"], "info": ["email"]},
    "webhooks": [{"type": "feishu", "settings": {"token": "t", "alias": "a"}}],
}
LAYER = {"target": TARGET, "max_times": 2, "notify_step": 10, "escalate_window": 30, "force_escalate": False}
ESCALATION = {
    "channel_id": 3521074710131,
    "template_id": m.defaults.PRESET_TEMPLATE_ID,
    "rule_name": "on-call",
    "layers": [LAYER],
    "priority": 1,
    "aggr_window": 60,
    "description": "d",
    "time_filters": TIME_FILTERS,
    "filters": FILTERS,
}
SILENCE_ONCE = {
    "channel_id": 3521074710131,
    "rule_name": "maint",
    "priority": 0,
    "description": "d",
    "filters": FILTERS,
    "time_filter": {"start_time": 1_700_000_000, "end_time": 1_700_003_600},
    "is_directly_discard": False,
}
SILENCE_RECURRING = {
    **{k: v for k, v in SILENCE_ONCE.items() if k != "time_filter"},
    "time_filters": TIME_FILTERS,
}
ROUTE = {
    "integration_id": 6113996590131,
    "cases": [
        {
            "if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}],
            "channel_ids": [1],
            "fallthrough": False,
            "routing_mode": "standard",
        },
        {
            "if": [{"key": "labels.team", "oper": "IN", "vals": ["*"]}],
            "channel_ids": [],
            "fallthrough": True,
            "routing_mode": "name_mapping",
            "name_mapping_label": "labels.service",
        },
    ],
    "sections": [{"name": "main", "position": 0}],
    "default": {"channel_ids": [2]},
    "version": 3,
}
RULE_REF = {"channel_id": 3521074710131, "rule_id": RID}

# (document, path, model, baselines): every optional field appears in some baseline.
ENDPOINTS: list[tuple[str, str, type[BaseModel], list[dict[str, Any]]]] = [
    ("on-call", "/route/upsert", m.UpsertRouteRequest, [ROUTE]),
    ("on-call", "/route/info", m.RouteInfoRequest, [{"integration_id": 6113996590131}]),
    ("on-call", "/route/list", m.ListRoutesRequest, [{"integration_ids": [6113996590131, 7]}]),
    ("on-call", "/channel/escalate/rule/create", m.CreateEscalationRuleRequest, [ESCALATION]),
    (
        "on-call",
        "/channel/escalate/rule/update",
        m.UpdateEscalationRuleRequest,
        [{**ESCALATION, "rule_id": RID}],
    ),
    ("on-call", "/channel/escalate/rule/info", m.ChannelRuleIDRequest, [RULE_REF]),
    ("on-call", "/channel/escalate/rule/list", m.ChannelScopedListRequest, [{"channel_id": 1}]),
    ("on-call", "/channel/escalate/rule/delete", m.ChannelRuleIDRequest, [RULE_REF]),
    ("on-call", "/channel/escalate/rule/enable", m.ChannelRuleIDRequest, [RULE_REF]),
    ("on-call", "/channel/escalate/rule/disable", m.ChannelRuleIDRequest, [RULE_REF]),
    (
        "on-call",
        "/channel/silence/rule/create",
        m.CreateSilenceRuleRequest,
        [{**SILENCE_ONCE, "from_incident_id": RID}, SILENCE_RECURRING],
    ),
    (
        "on-call",
        "/channel/silence/rule/update",
        m.UpdateSilenceRuleRequest,
        [{**SILENCE_ONCE, "rule_id": RID}, {**SILENCE_RECURRING, "rule_id": RID}],
    ),
    ("on-call", "/channel/silence/rule/list", m.ChannelScopedListRequest, [{"channel_id": 1}]),
    ("on-call", "/channel/silence/rule/delete", m.ChannelRuleIDRequest, [RULE_REF]),
    ("on-call", "/channel/silence/rule/enable", m.ChannelRuleIDRequest, [RULE_REF]),
    ("on-call", "/channel/silence/rule/disable", m.ChannelRuleIDRequest, [RULE_REF]),
    (
        "on-call",
        "/channel/list",
        m.ListChannelsRequest,
        [
            {
                "p": 1,
                "limit": 50,
                "orderby": "channel_name",
                "asc": True,
                "is_my_managed": False,
                "is_my_starred": False,
                "is_brief": True,
                "is_my_team": True,
                "team_ids": [1],
                "query": "q",
                "channel_ids": [2],
                "channel_name": "c",
            }
        ],
    ),
    ("on-call", "/channel/info", m.ChannelInfoRequest, [{"channel_id": 1}]),
    (
        "on-call",
        "/template/list",
        m.TemplateListRequest,
        [
            {
                "p": 1,
                "limit": 20,
                "orderby": "created_at",
                "asc": False,
                "is_my_team": False,
                "team_ids": [1],
                "creator_id": 2,
                "query": "q",
            }
        ],
    ),
    ("on-call", "/template/info", m.TemplateIDRequest, [{"template_id": RID}]),
    (
        "platform",
        "/member/list",
        m.MemberListRequest,
        [{"role_id": 1, "p": 1, "limit": 20, "orderby": "created_at", "asc": True, "query": "q"}],
    ),
    (
        "platform",
        "/team/list",
        m.TeamListRequest,
        [{"p": 1, "limit": 20, "orderby": "team_name", "asc": True, "person_id": 5, "query": "q"}],
    ),
    ("platform", "/team/info", m.TeamInfoRequest, [{"team_id": 1}, {"team_name": "sre"}, {"ref_id": "r-1"}]),
]

# Constraints satisfied by repair (the model fills the value and always sends it), not rejection.
# Keyed by (path, schema location, keyword detail).
REPAIRED: dict[tuple[str, str, str], str] = {
    (
        "/route/upsert",
        "cases[]",
        "fallthrough",
    ): "fallthrough defaults to false (the server's default) and is always sent",
    (
        "/route/upsert",
        "cases[]",
        "channel_ids",
    ): "a name_mapping case takes its channel from a label; the model sends channel_ids: [] for it "
    "(a standard case without channel_ids is rejected)",
}


@dataclass(frozen=True)
class Constraint:
    path: str  # API path
    where: str  # schema location, e.g. "layers[].target.person_ids[]"
    keyword: str
    detail: str  # the required field name, the bound, ...

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.where, self.detail if self.keyword == "required" else self.keyword)

    def __str__(self) -> str:
        return f"{self.path} {self.where or '<body>'} {self.keyword}={self.detail}"


def _load(name: str) -> dict[str, Any]:
    file = SPEC_DIR / f"{name}.openapi.en.json"
    assert file.is_file(), f"official spec missing: {file} (set FLASHDUTY_OPENAPI_DIR)"
    data: dict[str, Any] = json.loads(file.read_text("utf-8"))
    return data


DOCS = {"on-call": _load("on-call"), "platform": _load("platform")}


def deref(doc: dict[str, Any], node: Any) -> Any:
    """The schema with every local $ref inlined (request schemas have no cycles)."""
    if isinstance(node, list):
        return [deref(doc, x) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return deref(doc, {**target, **{k: v for k, v in node.items() if k != "$ref"}})
    return {k: deref(doc, v) for k, v in node.items()}


def request_schema(doc_name: str, path: str) -> dict[str, Any]:
    doc = DOCS[doc_name]
    op = doc["paths"][path]["post"]
    schema: dict[str, Any] = deref(doc, op["requestBody"]["content"]["application/json"]["schema"])
    return schema


# Go decodes JSON integers strictly: 1.0 is not an integer for the server.
_StrictValidator = extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _c, v: isinstance(v, int) and not isinstance(v, bool)
    ),
)


def spec_valid(schema: dict[str, Any], body: Any) -> bool:
    return not list(_StrictValidator(schema).iter_errors(body))


def walk(schema: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(location, schema node) for every node: properties, array items, map values."""
    yield where, schema
    for name, sub in schema.get("properties", {}).items():
        yield from walk(sub, f"{where}.{name}" if where else name)
    if isinstance(schema.get("items"), dict):
        yield from walk(schema["items"], where + "[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from walk(schema["additionalProperties"], where + "{}")


def constraints(path: str, schema: dict[str, Any]) -> Iterator[tuple[Constraint, dict[str, Any]]]:
    for where, node in walk(schema):
        for kw in KEYWORDS:
            if kw not in node:
                continue
            if kw == "required":
                for name in node["required"]:
                    yield Constraint(path, where, kw, name), node
            else:
                yield Constraint(path, where, kw, json.dumps(node[kw])), node


_STEP = re.compile(r"\.?([^.\[{]+)|(\[\])|(\{\})")


def locate(body: Any, where: str) -> list[list[str | int]]:
    """Every concrete JSON path in ``body`` matching the schema location ``where``."""
    found: list[list[str | int]] = [[]]
    for m_ in _STEP.finditer(where):
        name, arr, mp = m_.groups()
        nxt: list[list[str | int]] = []
        for p in found:
            v = get(body, p)
            if name is not None and isinstance(v, dict) and name in v:
                nxt.append([*p, name])
            elif arr and isinstance(v, list):
                nxt.extend([*p, i] for i in range(len(v)))
            elif mp and isinstance(v, dict):
                nxt.extend([*p, k] for k in v)
        found = nxt
    return found


def get(body: Any, p: list[str | int]) -> Any:
    for part in p:
        body = body[part]  # type: ignore[index]
    return body


def put(body: Any, p: list[str | int], value: Any) -> Any:
    if not p:
        return value
    out = copy.deepcopy(body)
    get(out, p[:-1])[p[-1]] = value
    return out


def wrong_types(declared: str) -> list[Any]:
    return {
        "integer": ["x", True, 1.5, {}],
        "number": ["x", True, {}],
        "string": [123, True, {}],
        "boolean": ["x", 1, {}],
        "array": ["x", {}],
        "object": ["x", [], 5],
    }[declared]


def violations(c: Constraint, node: dict[str, Any], value: Any) -> list[Any]:
    """Replacement values for the instance at the constraint's location that break it."""
    bound = node.get(c.keyword)
    if c.keyword == "type":
        return wrong_types(bound) if isinstance(bound, str) else []
    if c.keyword == "minLength":
        return ["x" * (bound - 1)] if bound > 0 else []
    if c.keyword == "maxLength":
        return ["x" * (bound + 1), "名" * (bound + 1)]
    if c.keyword == "pattern":
        return ["zz-not-" + "g" * 20, "0" * 23, "0" * 25]
    if c.keyword == "enum":
        return ["NOT_IN_ENUM", str(bound[0]).lower() if str(bound[0]).lower() not in bound else "x"]
    if c.keyword in ("minimum", "exclusiveMinimum"):
        step = 1 if node.get("type") == "integer" else 0.1
        return [bound - step] if c.keyword == "minimum" else [bound, bound - step]
    if c.keyword == "maximum":
        return [bound + (1 if node.get("type") == "integer" else 0.5)]
    if c.keyword == "minItems":
        return [value[: bound - 1]] if bound > 0 else []
    if c.keyword == "maxItems":
        return [(value * (bound + 1))[: bound + 1]]
    raise AssertionError(c.keyword)


SCHEMA_TEXT: dict[str, str] = {}


@dataclass
class Outcome:
    constraint: Constraint
    tried: int = 0
    accepted: list[str] = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.accepted = []


def check_endpoint(
    doc: str, path: str, model: type[BaseModel], baselines: list[dict[str, Any]]
) -> list[Outcome]:
    schema = request_schema(doc, path)
    SCHEMA_TEXT[path] = json.dumps(schema, sort_keys=True)
    for base in baselines:
        assert spec_valid(schema, base), f"{path}: baseline not valid against the spec: {base}"
        sent = model.model_validate(base).to_body()  # type: ignore[attr-defined]
        assert spec_valid(schema, sent), f"{path}: what we send for the baseline is not spec-valid"
    outcomes = []
    for c, node in constraints(path, schema):
        out = Outcome(c)
        for base in baselines:
            if c.keyword == "required":
                targets = [p for p in locate(base, c.where) if isinstance(get(base, p), dict)]
                for p in targets:
                    holder = get(base, p)
                    if c.detail not in holder:
                        continue
                    broken = copy.deepcopy(base)
                    del get(broken, p)[c.detail]
                    _try(out, schema, model, broken, f"{p} without {c.detail}")
            else:
                for p in locate(base, c.where):
                    for bad in violations(c, node, get(base, p)):
                        _try(out, schema, model, put(base, p, bad), f"{p} = {bad!r}"[:120])
        assert out.tried, f"no baseline exercises {c}; extend the baselines"
        outcomes.append(out)
    return outcomes


def _try(out: Outcome, schema: dict[str, Any], model: type[BaseModel], broken: Any, what: str) -> None:
    if spec_valid(schema, broken):
        return  # this particular value happens to satisfy the spec (e.g. a wrong type allowed elsewhere)
    out.tried += 1
    try:
        accepted = model.model_validate(broken)
    except ValidationError:
        return
    sent = accepted.to_body()  # type: ignore[attr-defined]
    out.accepted.append(what)
    assert out.constraint.key in REPAIRED, f"model accepts a body the spec rejects: {out.constraint}: {what}"
    assert spec_valid(schema, sent), f"repaired body still invalid: {out.constraint}: {what} -> {sent}"


def test_every_spec_constraint_is_enforced(capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = [o for e in ENDPOINTS for o in check_endpoint(*e)]
    total = len(outcomes)
    repaired = [o for o in outcomes if o.accepted]
    enforced = total - len(repaired)
    per_keyword: dict[str, int] = {}
    for o in outcomes:
        per_keyword[o.constraint.keyword] = per_keyword.get(o.constraint.keyword, 0) + 1
    # Endpoints sharing one request schema (ChannelRuleIDRequest serves six) count it once here.
    distinct = {
        (SCHEMA_TEXT[o.constraint.path], o.constraint.where, o.constraint.keyword, o.constraint.detail)
        for o in outcomes
    }
    distinct_repaired = {
        (SCHEMA_TEXT[o.constraint.path], o.constraint.where, o.constraint.keyword, o.constraint.detail)
        for o in repaired
    }
    lines = [
        f"{enforced} of {total} spec constraints enforced by rejection "
        f"({len(ENDPOINTS)} endpoints; {len(distinct) - len(distinct_repaired)} of {len(distinct)} "
        f"counting a schema shared by several endpoints once; "
        f"per keyword: {dict(sorted(per_keyword.items()))})"
    ]
    lines += [f"  repaired, not rejected: {o.constraint} -- {REPAIRED[o.constraint.key]}" for o in repaired]
    report = "\n".join(lines)
    with capsys.disabled():
        print("\n" + report)
    if os.environ.get("FLASHDUTY_CONSTRAINT_REPORT"):
        Path(os.environ["FLASHDUTY_CONSTRAINT_REPORT"]).write_text(
            json.dumps(
                {
                    "enforced": enforced,
                    "total": total,
                    "endpoints": len(ENDPOINTS),
                    "per_keyword": per_keyword,
                    "distinct_enforced": len(distinct) - len(distinct_repaired),
                    "distinct_total": len(distinct),
                    "repaired": {str(o.constraint): REPAIRED[o.constraint.key] for o in repaired},
                },
                indent=2,
            )
        )
    # Every listed exception is still needed (a stale entry would inflate the honesty of the count).
    assert {o.constraint.key for o in repaired} == set(REPAIRED)
    assert total > 100


def test_cross_field_rules_from_descriptions_are_enforced() -> None:
    """Rules the spec states only in prose; each broken body is rejected by the model."""
    cases: list[tuple[type[BaseModel], dict[str, Any]]] = [
        (m.UpsertRouteRequest, {"integration_id": 1}),  # neither cases nor default
        (
            m.UpsertRouteRequest,
            {**ROUTE, "sections": [{"name": "x", "position": 3}]},
        ),  # position > len(cases)
        (
            m.UpsertRouteRequest,
            {**ROUTE, "cases": [{**ROUTE["cases"][0], "channel_ids": []}]},
        ),  # standard w/o ids
        (m.UpsertRouteRequest, {**ROUTE, "cases": [{**ROUTE["cases"][1], "name_mapping_label": None}]}),
        (m.CreateEscalationRuleRequest, {**ESCALATION, "layers": []}),  # at least one layer
        (m.CreateEscalationRuleRequest, {**ESCALATION, "layers": [{"target": {"by": TARGET["by"]}}]}),
        (m.CreateEscalationRuleRequest, {**ESCALATION, "layers": [{"target": {"person_ids": [1]}}]}),
        (m.CreateEscalationRuleRequest, {**ESCALATION, "time_filters": [{"start": "25:00", "end": "26:00"}]}),
        (
            m.CreateEscalationRuleRequest,
            {**ESCALATION, "time_filters": [{"start": "01:00", "end": "02:00", "repeat": [9]}]},
        ),
        (m.CreateSilenceRuleRequest, {**SILENCE_ONCE, "time_filters": TIME_FILTERS}),  # both windows
        (
            m.CreateSilenceRuleRequest,
            {k: v for k, v in SILENCE_ONCE.items() if k != "time_filter"},
        ),  # neither
        (m.CreateSilenceRuleRequest, {**SILENCE_ONCE, "filters": []}),  # filters must be non-empty
        (m.CreateSilenceRuleRequest, {**SILENCE_ONCE, "time_filter": {"start_time": 9, "end_time": 9}}),
        (
            m.UpdateSilenceRuleRequest,
            {**SILENCE_ONCE, "rule_id": RID, "time_filter": {"start_time": 0, "end_time": 9}},
        ),
        (m.RouteInfoRequest, {"integration_id": 0}),  # "must be greater than 0"
        (m.ListChannelsRequest, {"is_my_starred": True, "is_my_team": True}),
    ]
    for model, body in cases:
        with pytest.raises(ValidationError):
            model.model_validate(body)
