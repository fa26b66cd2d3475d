"""Property-based contract tests: schemathesis drives every emulated operation from the spec.

The OpenAPI documents are rebuilt from spec_subset.json, which is the official documents' schemas
copied verbatim (test_emulator_spec_subset.py proves it against the originals). For each operation,
schemathesis generates bodies valid against the spec (positive) and bodies that break it (negative),
with a fixed seed and a bounded number of examples. Checks, counted separately:

- server-error: no answer is a 5xx, and every answer is strict JSON;
- invalid-accepted: no body the spec's schema refuses is accepted, unless deviations.py lists why;
- response-conformance: a 200 matches the operation's response schema (Go's nulls allowed: a listed
  deviation), an error matches ErrorResponse with the status its code documents;
- poisoned-read: after every accepted write, the rules it touched still read back valid;
- round-trip: what an accepted create/upsert stored, read back and sent to update/upsert unchanged,
  is accepted and reads the same again.

Positive bodies get the seed's IDs in place of random ones where an ID field is present, or nearly
every one would stop at ResourceNotFound and never reach the handlers.
"""

from __future__ import annotations

import collections
import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from emulator_cases import PAYMENTS, SHARED, strict_json
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.errors import STATUS_BY_CODE
from flashduty_pulumi.emulator.jsonbody import BodyError
from flashduty_pulumi.emulator.spec import default_validator, load_subset, server_validator
from flashduty_pulumi.emulator.testing import EmulatorProcess

pytestmark = pytest.mark.contract

EXAMPLES = 20  # per operation and mode: 23 operations x 3 modes x 20 = 1,380 requests
SPEC = default_validator()  # the spec's letter
SERVER = server_validator()  # the letter plus deviations.py


def _openapi(doc: dict[str, Any]) -> dict[str, Any]:
    paths = {
        path: {
            "post": {
                "operationId": op["operation_id"],
                "requestBody": {"required": True, "content": {"application/json": {"schema": op["request"]}}},
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": op["response"]}}},
                    "default": {
                        "description": "error",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}
                        },
                    },
                },
            }
        }
        for path, op in doc["paths"].items()
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Flashduty (emulated subset)", "version": doc["info_version"]},
        "paths": paths,
        "components": doc["components"],
    }


def _ids(value: int) -> dict[str, Any]:
    return {"type": "array", "items": {"const": value}, "minItems": 1, "maxItems": 1}


_HHMM = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
# Generation only: the spec's schemas narrowed by the rules it states in prose (rules.py) and by the
# seed's IDs, so that "positive-rules" bodies mostly pass and exercise the handlers and the stored
# state. Keyed by property name, wherever it occurs.
_NARROW: dict[str, dict[str, Any]] = {
    "channel_id": {"const": PAYMENTS},
    "integration_id": {"const": SHARED},
    "template_id": {"const": seed.PRESET_TEMPLATE_ID},
    "version": {"const": 0},
    "routing_mode": {"const": "standard"},
    "channel_ids": _ids(PAYMENTS),
    "integration_ids": _ids(SHARED),
    "person_ids": _ids(seed.ALICE_ID),
    "team_ids": _ids(seed.TEAM_SRE_ID),
    "sections": {"type": "array", "maxItems": 0},
    "by": {
        "type": "object",
        "properties": {"follow_preference": {"const": True}},
        "required": ["follow_preference"],
    },
    "webhooks": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"type": {"enum": ["custom", "slack", "teams"]}, "settings": {"type": "object"}},
            "required": ["type", "settings"],
        },
    },
    "schedule_to_role_ids": {
        "type": "object",
        "propertyNames": {"pattern": "^[0-9]{1,6}$"},
        "additionalProperties": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "integer", "minimum": 0, "maximum": 99},
        },
    },
    "start": _HHMM,
    "end": _HHMM,
    "repeat": {"type": "array", "items": {"enum": list(range(7))}},
    "cal_id": {"const": ""},
    "name_mapping_label": {"not": {}},
    "from_incident_id": {"enum": ["", "0123456789abcdefABCDEF01"]},
    "is_off": {"const": False},
    "priority": {"type": "integer", "minimum": 0, "maximum": 200},
    "aggr_window": {"type": "integer", "minimum": 0, "maximum": 3600},
    "filters": {
        "type": "array",
        "minItems": 1,
        "maxItems": 2,
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": 2,
            "items": {"$ref": "#/components/schemas/FilterCondition"},
        },
    },
}


def _narrow(schema: Any) -> None:
    if isinstance(schema, list):
        for item in schema:
            _narrow(item)
        return
    if not isinstance(schema, dict):
        return
    for value in schema.values():
        _narrow(value)
    props = schema.get("properties")
    if isinstance(props, dict):
        for name in props.keys() & _NARROW.keys():
            props[name] = _NARROW[name]
        # what the prose rules ask to be present
        needed = {"channel_ids", "filters", "start", "end"} & props.keys()
        if "cases" in props:
            needed.add("default")
        if needed:
            schema["required"] = sorted({*schema.get("required", ()), *needed})
        if "layers" in props:
            props["layers"] = {**props["layers"], "minItems": 1, "maxItems": 2}
        if "time_filter" in props:  # silence rules: exactly one window, the one-off kind
            props["time_filters"] = {"type": "array", "maxItems": 0}
            schema["required"] = sorted({*schema.get("required", ()), "time_filter"})
    if str(schema.get("description", "")).startswith("Notification target"):
        schema["required"] = ["person_ids", "by"]


def _operations(narrow: bool = False) -> list[tuple[Any, str]]:
    found = []
    for doc in load_subset()["documents"].values():
        document = _openapi(copy.deepcopy(doc))
        if narrow:
            _narrow(document["components"])
        schema = schemathesis.openapi.from_dict(document)
        found += [(schema[path]["POST"], path) for path in doc["paths"]]
    return found


_IDS: dict[str, Any] = {
    "channel_id": PAYMENTS,
    "integration_id": SHARED,
    "template_id": seed.PRESET_TEMPLATE_ID,
}
_ID_LISTS: dict[str, list[int]] = {
    "channel_ids": [PAYMENTS],
    "integration_ids": [SHARED],
    "person_ids": [seed.ALICE_ID],
    "team_ids": [seed.TEAM_SRE_ID],
}


def _ground(value: Any) -> Any:
    """Seeded IDs in place of random ones, keeping the body schema-valid (same types).

    Whole floats become ints too: JSON Schema counts 5.0 as an integer, the real server's Go decoder
    (and so the emulator, a listed deviation) does not, and 5 is valid wherever 5.0 is.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_ground(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        item = _ground(item)
        if key in _IDS and type(item) is type(_IDS[key]):
            out[key] = _IDS[key]
        elif key in _ID_LISTS and isinstance(item, list) and item:
            out[key] = _ID_LISTS[key]
        else:
            out[key] = item
    return out


def _reads(emu: EmulatorProcess, path: str) -> Iterator[tuple[str, Any]]:
    """The reads that show what a write to `path` stored."""
    if path.startswith("/route/"):
        yield "/route/info", {"integration_id": SHARED}
    elif path.startswith("/channel/escalate/rule/"):
        yield "/channel/escalate/rule/list", {"channel_id": PAYMENTS}
    elif path.startswith("/channel/silence/rule/"):
        yield "/channel/silence/rule/list", {"channel_id": PAYMENTS}


_CHANGING = {"updated_at", "version", "is_effective"}
_WRITE_BACK = {
    "/route/upsert": ("/route/info", "/route/upsert"),
    "/channel/escalate/rule/create": ("/channel/escalate/rule/info", "/channel/escalate/rule/update"),
    "/channel/silence/rule/create": ("/channel/silence/rule/list", "/channel/silence/rule/update"),
}


def _round_trip(emu: EmulatorProcess, path: str, data: Any) -> str | None:
    """Read what a create/upsert stored, send it back unchanged, read again: why not equal, or None."""
    read_path, write_path = _WRITE_BACK[path]

    def read() -> Any:
        if path == "/route/upsert":
            return emu.call(read_path, {"integration_id": SHARED})
        key = {"channel_id": PAYMENTS, "rule_id": data["rule_id"]}
        if read_path.endswith("/info"):
            return emu.call(read_path, key)
        return next(
            i
            for i in emu.call(read_path, {"channel_id": PAYMENTS})["items"]
            if i["rule_id"] == data["rule_id"]
        )

    first = read()
    answer = emu.post(write_path, first)
    if answer.status_code != 200:
        return f"{write_path} refused what {read_path} answered: {answer.text[:200]}"
    second = read()
    strip = lambda item: {k: v for k, v in item.items() if k not in _CHANGING}  # noqa: E731
    return None if strip(first) == strip(second) else f"{read_path} changed after a write-back"


def _run(
    emu: EmulatorProcess, mode: GenerationMode, narrow: bool
) -> tuple[collections.Counter[str], list[str], collections.Counter[str]]:
    failures: collections.Counter[str] = collections.Counter()
    samples: list[str] = []
    seen = collections.Counter[str]()

    def fail(check: str, path: str, detail: str) -> None:
        failures[check] += 1
        if len(samples) < 10:
            samples.append(f"{check} {path}: {detail[:300]}")

    for operation, path in _operations(narrow):
        _exercise(emu, operation, path, mode, fail, seen)
        emu.reset()
        emu.set_rate_limit(False)
    return failures, samples, seen


def _exercise(
    emu: EmulatorProcess,
    operation: Any,
    path: str,
    mode: GenerationMode,
    fail: Callable[[str, str, str], None],
    seen: collections.Counter[str],
) -> None:
    params = {"app_key": emu.app_key}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # a fixed seed: the same bodies on every run
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        if mode is GenerationMode.POSITIVE and isinstance(case.body, (dict, list)):
            case.body = _ground(case.body)
        response = case.call(base_url=emu.base_url, params=params)
        seen["requests"] += 1
        seen[f"status {response.status_code}"] += 1
        try:
            payload = strict_json(response.content)
        except BodyError as error:
            fail("server-error", path, f"{response.status_code} not strict JSON: {error}")
            return
        if response.status_code >= 500:
            fail("server-error", path, f"{response.status_code} {payload}")
            return
        body = case.body if isinstance(case.body, (dict, list)) else None
        if response.status_code == 200:
            lenient = SERVER.request_errors(path, body, rules=False) if body is not None else ["no body"]
            if lenient:
                fail("invalid-accepted", path, f"{lenient} in {body}")
            elif body is not None and SPEC.request_errors(path, body, rules=False):
                seen["accepted by a listed deviation"] += 1
            if SPEC.is_write(path):
                seen["accepted writes"] += 1
            errors = SPEC.response_errors(path, payload)
            if errors:
                fail("response-conformance", path, f"{[str(e) for e in errors]}")
            if SPEC.is_write(path):
                for read_path, read_body in _reads(emu, path):
                    read = emu.post(read_path, read_body)
                    try:
                        read_errors = SPEC.response_errors(read_path, strict_json(read.content))
                    except BodyError as error:
                        read_errors = [error]  # type: ignore[list-item]
                    if read.status_code != 200 or read_errors:
                        fail("poisoned-read", path, f"{read_path} {read.status_code} {read_errors}")
                if path in _WRITE_BACK:
                    seen["round trips"] += 1
                    problem = _round_trip(emu, path, payload.get("data"))
                    if problem:
                        fail("round-trip", path, problem)
        else:
            code = payload.get("error", {}).get("code") if isinstance(payload, dict) else None
            if SPEC.error_response_errors(payload) or STATUS_BY_CODE.get(code or "") != response.status_code:
                fail("response-conformance", path, f"{response.status_code} {payload}")

    check()


@pytest.fixture
def open_emu(emu: EmulatorProcess) -> Iterator[EmulatorProcess]:
    emu.set_rate_limit(False)
    yield emu
    emu.reset()


MODES = {
    "positive": (GenerationMode.POSITIVE, False),
    "positive-rules": (GenerationMode.POSITIVE, True),
    "negative": (GenerationMode.NEGATIVE, False),
}


@pytest.mark.parametrize("name", list(MODES))
def test_schemathesis_finds_no_server_error_no_accepted_invalid_body_and_conforming_answers(
    open_emu: EmulatorProcess, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    mode, narrow = MODES[name]
    failures, samples, seen = _run(open_emu, mode, narrow)
    operations = len(_operations())
    with capsys.disabled():
        print(
            f"\nschemathesis {schemathesis.SCHEMATHESIS_VERSION} ({name}, {EXAMPLES} examples per "
            f"operation): {operations} operations, {dict(sorted(seen.items()))}, "
            f"failures by check {dict(failures) or 'none'}"
        )
    assert seen["requests"] >= operations * 5  # generation really ran for every operation
    if narrow:
        assert seen["accepted writes"] >= 25  # bodies reached the handlers, not only the validator
    assert not failures, "\n".join(samples)
