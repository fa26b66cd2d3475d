"""The emulator's defences as pure logic: body parsing, the bounded request log, ASCII patterns, the
server's leniency kept apart from the spec's letter, and the hint when the extra is missing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from flashduty_pulumi.emulator.jsonbody import MAX_DEPTH, BodyError, parse
from flashduty_pulumi.emulator.requestlog import (
    BODY_LIMIT,
    ENTRY_LIMIT,
    TOTAL_LIMIT,
    RequestLog,
    loggable_body,
    readable_body,
)
from flashduty_pulumi.emulator.spec import SpecValidator, default_validator, server_validator

pytestmark = pytest.mark.unit

# -- jsonbody ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"a": NaN}', "NaN is not a JSON value"),
        (b'{"a": Infinity}', "Infinity is not a JSON value"),
        (b'{"a": -Infinity}', "-Infinity is not a JSON value"),
        (b'{"a": 1e999}', "out of range"),
        (b'{"a": -1e999}', "out of range"),
        (b'{"a": "\\ud800"}', "lone UTF-16 surrogate"),
        (b'{"\\udc00": 1}', "lone UTF-16 surrogate"),
        (b'["x\\ud83d"]', "lone UTF-16 surrogate"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested deeper"),
        (b"[" * 200_000 + b"]" * 200_000, "nested deeper"),
        (b"\xff{}", "not valid UTF-8"),
        (b"{", "not valid JSON"),
        (b"1" * 5000, "not valid JSON"),  # past Python's integer digit limit
    ],
)
def test_bodies_that_would_poison_a_read_are_refused(raw: bytes, reason: str) -> None:
    with pytest.raises(BodyError, match=reason):
        parse(raw)


def test_acceptable_bodies_parse_as_json() -> None:
    assert parse(b'{"a": "\\ud83d\\udcdf", "b": 1.5, "c": [null, true]}') == {
        "a": "\U0001f4df",
        "b": 1.5,
        "c": [None, True],
    }
    deep = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert parse(deep) is not None


# -- request log -----------------------------------------------------------------------------------------


def test_the_request_log_holds_a_bounded_amount_of_body_text() -> None:
    log = RequestLog()
    big = json.dumps({"description": "d" * (1 << 20)}).encode()
    for _ in range(100):  # 100 requests of 1 MB
        log.add({"path": "/x", "body": loggable_body(big, [])})
    assert len(log) == 100
    assert log.body_chars <= min(TOTAL_LIMIT, 100 * (BODY_LIMIT + 100))
    for entry in log.entries():
        assert isinstance(entry["body"], str) and entry["body"].endswith(f"had {len(big)} bytes]")
    assert TOTAL_LIMIT <= 32 << 20 and ENTRY_LIMIT == 20_000  # the documented bounds


def test_the_log_drops_its_oldest_entries_past_either_bound() -> None:
    by_count = RequestLog(limit=3)
    for i in range(5):
        by_count.add({"body": loggable_body(b"{}", []), "i": i})
    assert [e["i"] for e in by_count.entries()] == [2, 3, 4]
    by_size = RequestLog(body_budget=3 * BODY_LIMIT)
    for i in range(10):
        by_size.add({"body": loggable_body(b"x" * BODY_LIMIT, []), "i": i})
    assert by_size.body_chars <= 3 * BODY_LIMIT and [e["i"] for e in by_size.entries()] == [7, 8, 9]


def test_a_key_at_the_truncation_point_is_redacted_not_half_shown() -> None:
    key = "secret-app-key-123456"
    raw = b"x" * (BODY_LIMIT - 5) + key.encode() + b"y" * 100
    text = loggable_body(raw, [key])
    assert "secret" not in text and "secr" not in text[-200:]


def test_a_logged_body_reads_back_as_json_only_when_acceptable() -> None:
    assert readable_body(loggable_body(b'{"a": [1]}', [])) == {"a": [1]}
    assert readable_body(loggable_body(b'{"a": NaN}', [])) == '{"a": NaN}'
    assert readable_body(None) is None


# -- patterns and leniency --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template_id", ["a" * 24 + "\n", "a" * 22 + "\u0661\u0662", "a" * 23, "g" * 24, "a" * 24 + "\r"]
)
def test_spec_patterns_are_anchored_and_ascii(template_id: str) -> None:
    body = {"template_id": template_id}
    assert [e.path for e in default_validator().request_errors("/template/info", body)] == ["template_id"]


def test_lenient_and_strict_validators_differ_exactly_by_the_deviations() -> None:
    case = {"if": [{"key": "k", "oper": "IN", "vals": ["v"]}], "channel_ids": [1]}
    body = {"integration_id": 1, "cases": [case]}
    assert [e.path for e in default_validator().request_errors("/route/upsert", body)] == [
        "cases[0].fallthrough"
    ]
    assert server_validator().request_errors("/route/upsert", body) == []
    assert SpecValidator(lenient=True, forbid_unknown=True).request_errors("/route/upsert", body) == []
    # the leniency adds nothing else: a wrong type is still refused by both
    bad = {"integration_id": 1, "cases": [{**case, "fallthrough": "no"}]}
    for validator in (default_validator(), server_validator()):
        assert [e.path for e in validator.request_errors("/route/upsert", bad)] == ["cases[0].fallthrough"]


# -- the CLI without the extra ----------------------------------------------------------------------------


def test_the_real_command_without_the_extra_exits_non_zero_without_a_traceback() -> None:
    # A child process: making jsonschema unimportable in this one would leave half-imported modules.
    code = (
        "import sys, runpy; sys.modules['jsonschema'] = None; "
        "runpy.run_module('flashduty_pulumi.emulator', run_name='__main__')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3 and done.stdout == ""
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert "pip install 'flashduty-pulumi[emulator]'" in done.stderr
