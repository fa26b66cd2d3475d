"""Hostile input over plain HTTP: every request gets an answer, and nothing accepted poisons a read.

Each test reproduces one way the emulator used to fail (stored NaN, lone surrogates, deep nesting,
unknown methods, unbounded log bodies, broken framing, loose patterns) with raw bytes on a socket.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from emulator_cases import (
    PAYMENTS,
    RawConnection,
    escalation,
    failed,
    ok,
    raw_post,
    route,
    silence,
    strict_json,
)

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.requestlog import BODY_LIMIT
from flashduty_pulumi.emulator.testing import EmulatorProcess

pytestmark = pytest.mark.contract

CREATE = "/channel/escalate/rule/create"
LIST = "/channel/escalate/rule/list"
SIL = "/channel/silence/rule/create"


def _post_raw(emu: EmulatorProcess, path: str, text: str) -> tuple[int, dict[str, object]]:
    with RawConnection(emu.base_url) as conn:
        conn.send(raw_post(path, text.encode("utf-8"), emu.app_key))
        reply = conn.read_reply()
    return reply.status, reply.json()


def _reads_stay_valid(emu: EmulatorProcess) -> None:
    """Every read path answers strict JSON: the API's lists and the control surface."""
    ok(LIST, emu.post(LIST, {"channel_id": PAYMENTS}))
    ok("/channel/silence/rule/list", emu.post("/channel/silence/rule/list", {"channel_id": PAYMENTS}))
    for path in ("/__emulator/requests", "/__emulator/state"):
        response = emu.client.get(path)
        assert response.status_code == 200
        strict_json(response.content)


# -- 1, 2, 3: bodies Python's json reads but JSON does not ------------------------------------------------

POISON = [
    ("nan", '"notify_step": NaN'),
    ("infinity", '"notify_step": Infinity'),
    ("minus-infinity", '"notify_step": -Infinity'),
    ("overflow", '"notify_step": 1e999'),
    ("surrogate", '"notify_step": 5, "rule_name_x": "\\ud800"'),
]


@pytest.mark.parametrize(("name", "fragment"), POISON, ids=[p[0] for p in POISON])
def test_non_json_numbers_and_lone_surrogates_are_refused(
    emu: EmulatorProcess, name: str, fragment: str
) -> None:
    body = json.dumps(escalation()).replace('"target"', fragment + ', "target"', 1)
    status, payload = _post_raw(emu, CREATE, body)
    assert (status, payload["error"]["code"]) == (400, "BadRequest"), payload  # type: ignore[index]
    assert ok(LIST, emu.post(LIST, {"channel_id": PAYMENTS}))["items"] == []
    _reads_stay_valid(emu)


@pytest.mark.parametrize(
    "value", ['"\\udfff"', "NaN", '{"x": Infinity}', '"ok \\ud83d"'], ids=["low", "nan", "inf", "half-emoji"]
)
def test_nothing_poisons_free_form_webhook_settings(emu: EmulatorProcess, value: str) -> None:
    hook = '{"type": "custom", "settings": {"url": ' + value + "}}"
    body = json.dumps(escalation()).replace('"by": {"follow_preference": true}', f'"webhooks": [{hook}]')
    assert '"webhooks"' in body
    status, _ = _post_raw(emu, CREATE, body)
    assert status == 400
    _reads_stay_valid(emu)


def test_a_lone_surrogate_in_a_rule_name_is_refused_and_the_log_stays_readable(emu: EmulatorProcess) -> None:
    body = json.dumps(escalation(rule_name="X")).replace('"X"', '"bad \\ud800 name"')
    status, payload = _post_raw(emu, CREATE, body)
    assert status == 400 and "surrogate" in payload["error"]["message"]  # type: ignore[index]
    logged = [e for e in emu.requests() if e["path"] == CREATE][-1]
    assert isinstance(logged["body"], str) and "\\ud800" in logged["body"]  # kept as the text it was
    _reads_stay_valid(emu)


def test_a_valid_surrogate_pair_is_stored_and_read_back(emu: EmulatorProcess) -> None:
    body = json.dumps(escalation(rule_name="X")).replace('"X"', '"pager \\ud83d\\udcdf"')
    status, _ = _post_raw(emu, CREATE, body)
    assert status == 200
    items = ok(LIST, emu.post(LIST, {"channel_id": PAYMENTS}))["items"]
    assert [i["rule_name"] for i in items] == ["pager \U0001f4df"]


@pytest.mark.parametrize("depth", [65, 1_000, 100_000])
def test_deep_nesting_gets_an_answer(emu: EmulatorProcess, depth: int) -> None:
    deep = "[" * depth + "]" * depth
    status, payload = _post_raw(emu, CREATE, f'{{"channel_id": {PAYMENTS}, "x": {deep}}}')
    assert (status, payload["error"]["code"]) == (400, "BadRequest")  # type: ignore[index]
    assert "nested deeper" in payload["error"]["message"]  # type: ignore[index]
    _reads_stay_valid(emu)


# -- 4: every method gets the documented JSON error, and is logged ---------------------------------------


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "TRACE", "PUT", "DELETE", "PATCH", "BREW"])
def test_other_methods_are_method_not_allowed_as_json_and_logged(emu: EmulatorProcess, method: str) -> None:
    with RawConnection(emu.base_url) as conn:
        conn.send(f"{method} /channel/list?app_key={emu.app_key} HTTP/1.1\r\nHost: e\r\n\r\n".encode())
        reply = conn.read_reply(head=method == "HEAD")
        assert reply.status == 405 and reply.headers["content-type"].startswith("application/json")
        if method != "HEAD":
            assert reply.json()["error"]["code"] == "MethodNotAllowed"
        # the connection stays usable
        conn.send(raw_post("/channel/list", b"{}", emu.app_key))
        assert conn.read_reply().status == 200
    logged = [e for e in emu.requests() if e["method"] == method]
    assert [(e["path"], e["status"], e["error_code"]) for e in logged] == [
        ("/channel/list", 405, "MethodNotAllowed")
    ]
    assert "app_key=REDACTED" in logged[0]["query"]


# -- 5: the request log keeps a bounded amount of each body -----------------------------------------------


def test_a_large_body_is_logged_truncated(emu: EmulatorProcess) -> None:
    body = escalation(description="d" * 600_000)
    failed(emu.post(CREATE, body), "InvalidParameter")  # description is at most 500 characters
    logged = [e for e in emu.requests() if e["path"] == CREATE][-1]
    assert isinstance(logged["body"], str) and len(logged["body"]) < BODY_LIMIT + 100
    assert logged["body"].endswith("bytes]") and "truncated" in logged["body"]


# -- 6: framing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        "POST /channel/list?app_key={key} HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        "POST /channel/list?app_key={key} HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST /channel/list?app_key={key} HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
        "POST /channel/list?app_key={key} HTTP/1.1\r\nContent-Length: 2\r\n"
        "Transfer-Encoding: chunked\r\n\r\n",
        "POST /channel/list?app_key={key} HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
        "garbage\r\n\r\n",
        "GET /channel/list\r\n\r\n",
        "POST /channel/list HTTP/9.9\r\n\r\n",
        "POST /channel/list?app_key={key} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=[
        "length-abc",
        "length-negative",
        "length-twice",
        "length-and-chunked",
        "gzip",
        "tls-hello",
        "garbage-line",
        "http-0.9",
        "http-9.9",
        "bad-chunk",
    ],
)
def test_broken_framing_gets_a_json_error_and_a_closed_connection(emu: EmulatorProcess, head: str) -> None:
    started = time.monotonic()
    with RawConnection(emu.base_url, timeout=5) as conn:
        conn.send(head.format(key=emu.app_key).encode("latin-1"))
        reply = conn.read_reply()
        assert 400 <= reply.status < 600 and reply.status != 500
        payload = reply.json()
        assert set(payload) == {"request_id", "error"} and payload["error"]["message"]
        assert reply.closed and conn.at_eof()
    assert time.monotonic() - started < 4  # answered at once, not when a timeout ran out


def test_chunked_bodies_are_read_and_the_connection_stays_in_step(emu: EmulatorProcess) -> None:
    body = json.dumps(escalation()).encode()
    chunks = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(part), part) for part in (body[:10], body[10:]))
    with RawConnection(emu.base_url) as conn:
        conn.send(
            f"POST {CREATE}?app_key={emu.app_key} HTTP/1.1\r\nHost: e\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
            + chunks
            + b"0\r\nX-Trailer: 1\r\n\r\n"
        )
        first = conn.read_reply()
        assert first.status == 200, first.body
        conn.send(raw_post(LIST, json.dumps({"channel_id": PAYMENTS}).encode(), emu.app_key))
        second = conn.read_reply()
        assert second.status == 200 and len(second.json()["data"]["items"]) == 1


def test_an_oversized_chunked_body_is_entity_too_large(emu: EmulatorProcess) -> None:
    with RawConnection(emu.base_url) as conn:
        conn.send(
            f"POST {CREATE}?app_key={emu.app_key} HTTP/1.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n200000\r\n".encode()
        )
        reply = conn.read_reply()
        assert (reply.status, reply.json()["error"]["code"]) == (413, "EntityTooLarge")


@pytest.fixture
def impatient() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(extra_args=("--read-timeout", "1")) as process:
        yield process


@pytest.mark.parametrize(
    "partial",
    [
        b"",
        b"POST /channel/list HTTP/1.1\r\nHost: e\r\n",
        b"POST /channel/list HTTP/1.1\r\nContent-Length: 10\r\n\r\n{",
    ],
    ids=["idle", "half-headers", "half-body"],
)
def test_a_half_open_connection_is_closed_after_the_read_timeout(
    impatient: EmulatorProcess, partial: bytes
) -> None:
    with RawConnection(impatient.base_url, timeout=15) as conn:
        conn.send(partial)
        started = time.monotonic()
        assert conn.at_eof()  # the server hung up rather than holding a thread
        assert time.monotonic() - started < 10
    assert impatient.post("/channel/list", {}).status_code == 200


# -- 7: patterns are anchored and ASCII -------------------------------------------------------------------

ARABIC_12 = "\u0661\u0662"  # Arabic-Indic digits one, two
FULLWIDTH_12 = "\uff11\uff12"


def _layer_with(**target: object) -> list[dict[str, object]]:
    return [{"target": {"person_ids": [seed.ALICE_ID], **target}}]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (SIL, silence(from_incident_id="a" * 24 + "\n"), "from_incident_id"),
        (SIL, silence(from_incident_id="a" * 22 + ARABIC_12), "from_incident_id"),
        (CREATE, escalation(template_id=seed.PRESET_TEMPLATE_ID + "\n"), "template_id"),
        (CREATE, escalation(time_filters=[{"start": "09:00\n", "end": "10:00"}]), "time_filters[0].start"),
        (
            CREATE,
            escalation(time_filters=[{"start": "09:00", "end": FULLWIDTH_12 + ":00"}]),
            "time_filters[0].end",
        ),
        (
            CREATE,
            escalation(layers=_layer_with(by={"critical": ["feishu_app:" + ARABIC_12]})),
            "layers[0].target.by.critical[0]",
        ),
        (
            CREATE,
            escalation(layers=_layer_with(by={"critical": ["feishu_app:12\n"]})),
            "layers[0].target.by.critical[0]",
        ),
        (
            CREATE,
            escalation(
                layers=_layer_with(by={"follow_preference": True}, schedule_to_role_ids={ARABIC_12: [0]})
            ),
            f"layers[0].target.schedule_to_role_ids.{ARABIC_12}",
        ),
    ],
    ids=[
        "incident-newline",
        "incident-arabic",
        "template-newline",
        "hhmm-newline",
        "hhmm-fullwidth",
        "by-arabic",
        "by-newline",
        "schedule-key-arabic",
    ],
)
def test_patterns_refuse_trailing_newlines_and_non_ascii_digits(
    emu: EmulatorProcess, path: str, body: dict[str, object], field: str
) -> None:
    message = failed(emu.post(path, body), "InvalidParameter")
    assert message.startswith(f"The specified parameter {field} is not valid"), message
    _reads_stay_valid(emu)


def test_route_with_a_poisoned_number_is_refused(emu: EmulatorProcess) -> None:
    text = json.dumps(route()).replace(
        f'"integration_id": {seed.SHARED_INTEGRATION_ID}', '"integration_id": NaN'
    )
    status, _ = _post_raw(emu, "/route/upsert", text)
    assert status == 400
    assert emu.post("/route/info", {"integration_id": seed.SHARED_INTEGRATION_ID}).json()["data"] is None
