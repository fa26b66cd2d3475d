"""The emulator's HTTP surface: auth, limits, faults, the request log, persistence, the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from emulator_cases import PAYMENTS, SHARED, escalation, failed, ok, route

from flashduty_pulumi.emulator.testing import EmulatorProcess

pytestmark = pytest.mark.contract

CREATE = "/channel/escalate/rule/create"
LIST = "/channel/escalate/rule/list"


def _rules(emu: EmulatorProcess) -> list[str]:
    return [r["rule_name"] for r in emu.call(LIST, {"channel_id": PAYMENTS})["items"]]


# -- auth, routing, content ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "wrong-key-123456"])
def test_missing_or_wrong_app_key_is_unauthorized(emu: EmulatorProcess, key: str) -> None:
    assert failed(emu.post(CREATE, escalation(), app_key=key), "Unauthorized", 401) == "You are unauthorized."
    no_param = emu.client.post(CREATE, json=escalation())
    failed(no_param, "Unauthorized", 401)
    assert _rules(emu) == []


def test_the_key_is_a_query_parameter_not_a_header(emu: EmulatorProcess) -> None:
    response = emu.client.post(
        "/channel/list", json={}, headers={"app_key": emu.app_key, "X-App-Key": emu.app_key}
    )
    failed(response, "Unauthorized", 401)


def test_unknown_path_and_wrong_method(emu: EmulatorProcess) -> None:
    failed(emu.post("/no/such/path", {}), "RouteNotFound", 404)
    response = emu.client.get("/channel/list", params={"app_key": emu.app_key})
    failed(response, "MethodNotAllowed", 405)


def test_content_type_must_be_json(emu: EmulatorProcess) -> None:
    response = emu.client.post(
        "/channel/list",
        params={"app_key": emu.app_key},
        content=b"{}",
        headers={"Content-Type": "text/plain"},
    )
    failed(response, "InvalidContentType")
    response = emu.client.post(
        "/channel/list",
        params={"app_key": emu.app_key},
        content=b"{not json",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    failed(response, "BadRequest")


def test_oversized_body_is_entity_too_large(emu: EmulatorProcess) -> None:
    body = escalation(description="x" * (1 << 20))
    for _ in range(20):  # a reset on the reused connection showed up one time in ten
        response = emu.post(CREATE, body)
        failed(response, "EntityTooLarge", 413)
        assert response.headers["Connection"] == "close"
        assert _rules(emu) == []  # the next call works: the client did not reuse the closed connection


@pytest.fixture(scope="module")
def read_only() -> Iterator[EmulatorProcess]:
    with EmulatorProcess(read_only_key="fd-read-only-key") as process:
        yield process


def test_read_only_key_reads_but_cannot_write(read_only: EmulatorProcess) -> None:
    read_only.reset()
    key = "fd-read-only-key"
    ok("/channel/list", read_only.post("/channel/list", {}, app_key=key))
    assert failed(read_only.post(CREATE, escalation(), app_key=key), "AccessDenied", 403) == "Access Denied."
    failed(read_only.post("/route/upsert", route(), app_key=key), "AccessDenied", 403)
    assert read_only.call(LIST, {"channel_id": PAYMENTS})["items"] == []
    ok(CREATE, read_only.post(CREATE, escalation()))  # the main key still writes


# -- rate limit --------------------------------------------------------------------------------------


def test_burst_over_50_per_second_gets_429_with_retry_after(emu: EmulatorProcess) -> None:
    def one(_: int) -> httpx.Response:
        return emu.post("/channel/list", {})

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(one, range(150)))
    limited = [r for r in responses if r.status_code == 429]
    assert limited, "150 requests at once never hit the 50/s limit"
    assert sum(r.status_code == 200 for r in responses) >= 50
    for response in limited:
        failed(response, "RequestTooFrequently", 429)
        assert int(response.headers["Retry-After"]) >= 1
        assert "X-RateLimit-Limit" not in response.headers  # decision 11
    logged = [e for e in emu.requests() if e["status"] == 429]
    assert len(logged) == len(limited) and all(e["error_code"] == "RequestTooFrequently" for e in logged)


def test_per_minute_window_and_switching_the_limiter_off(emu: EmulatorProcess) -> None:
    emu.set_rate_limit(True, per_minute=5)
    codes = [emu.post("/channel/list", {}).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    wait = int(emu.post("/channel/list", {}).headers["Retry-After"])
    assert 50 <= wait <= 60  # the oldest request leaves the minute window in about a minute
    emu.set_rate_limit(False)
    assert emu.post("/channel/list", {}).status_code == 200
    emu.reset()  # reset restores the start-up config and empties the windows
    assert emu.config()["rate_limit"] is True and emu.config()["per_minute"] == 1000
    assert emu.post("/channel/list", {}).status_code == 200


def test_control_surface_is_not_rate_limited_or_logged(emu: EmulatorProcess) -> None:
    emu.set_rate_limit(True, per_second=1, per_minute=1)
    for _ in range(20):
        emu.config()
    assert emu.requests() == []


# -- faults ------------------------------------------------------------------------------------------


def test_fault_with_count_then_recovery(emu: EmulatorProcess) -> None:
    emu.add_fault(status=503, count=2)
    first, second, third = (emu.post("/channel/list", {}) for _ in range(3))
    failed(first, "ServiceUnavailable", 503)
    failed(second, "ServiceUnavailable", 503)
    ok("/channel/list", third)
    assert emu.faults() == []


def test_unlimited_fault_until_cleared(emu: EmulatorProcess) -> None:
    emu.add_fault(status=500, count=None)
    for _ in range(5):
        failed(emu.post("/channel/list", {}), "InternalError", 500)
    emu.clear_faults()
    ok("/channel/list", emu.post("/channel/list", {}))


def test_429_fault_with_and_without_retry_after(emu: EmulatorProcess) -> None:
    emu.add_fault(status=429, retry_after=3)
    emu.add_fault(status=429)
    with_header, without_header = emu.post("/channel/list", {}), emu.post("/channel/list", {})
    failed(with_header, "RequestTooFrequently", 429)
    assert with_header.headers["Retry-After"] == "3"
    failed(without_header, "RequestTooFrequently", 429)
    assert "Retry-After" not in without_header.headers


def test_gateway_fault_answers_html_and_custom_code_is_passed(emu: EmulatorProcess) -> None:
    emu.add_fault(status=502)
    emu.add_fault(status=400, code="SomethingNew", message="a code the client has never seen")
    gateway = emu.post("/channel/list", {})
    assert gateway.status_code == 502 and gateway.headers["Content-Type"].startswith("text/html")
    custom = emu.post("/channel/list", {}).json()
    assert custom["error"] == {"code": "SomethingNew", "message": "a code the client has never seen"}


def test_fault_path_and_writes_only_filters(emu: EmulatorProcess) -> None:
    emu.add_fault(status=503, count=None, path="/route/")
    emu.add_fault(status=500, count=None, writes_only=True)
    ok("/channel/list", emu.post("/channel/list", {}))
    failed(emu.post("/route/info", {"integration_id": SHARED}), "ServiceUnavailable", 503)
    failed(emu.post(CREATE, escalation()), "InternalError", 500)
    ok(LIST, emu.post(LIST, {"channel_id": PAYMENTS}))


def test_probabilistic_fault_is_reproducible_with_a_seed(emu: EmulatorProcess) -> None:
    def pattern() -> list[int]:
        emu.reset()
        emu.set_rate_limit(False)
        emu.add_fault(status=503, count=None, probability=0.3, seed=1234)
        return [emu.post("/channel/list", {}).status_code for _ in range(100)]

    first, second = pattern(), pattern()
    assert first == second
    assert set(first) == {200, 503}
    assert 15 <= first.count(503) <= 45


def test_latency_fault_delays_a_successful_answer(emu: EmulatorProcess) -> None:
    emu.add_fault(latency_ms=300)
    started = time.monotonic()
    ok("/channel/list", emu.post("/channel/list", {}))
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    ok("/channel/list", emu.post("/channel/list", {}))
    assert time.monotonic() - started < 0.3


def test_dropped_connection_before_the_write(emu: EmulatorProcess) -> None:
    emu.add_fault(drop_connection=True, path="/create")
    with pytest.raises(httpx.TransportError):
        emu.post(CREATE, escalation())
    assert _rules(emu) == []
    (entry,) = [e for e in emu.requests() if e["path"] == CREATE]
    assert entry["dropped"] is True and entry["status"] is None and entry["fault_id"] is not None


@pytest.mark.parametrize("fault", [{"status": 500}, {"drop_connection": True}])
def test_after_apply_fault_fails_after_the_write_happened(
    emu: EmulatorProcess, fault: dict[str, object]
) -> None:
    emu.add_fault(after_apply=True, writes_only=True, **fault)
    try:
        response = emu.post(CREATE, escalation(rule_name="applied"))
    except httpx.TransportError:
        pass
    else:
        failed(response, "InternalError", 500)
    assert _rules(emu) == ["applied"]  # the nastiest case: the client saw a failure, the rule exists
    assert len(emu.writes()) == 1


def test_invalid_fault_is_refused_by_the_control_surface(emu: EmulatorProcess) -> None:
    for bad in (
        {},
        {"status": 200},
        {"status": 503, "probability": 2},
        {"status": 503, "colour": "red"},
        {"status": "503"},
        {"count": 0, "status": 503},
    ):
        response = emu.client.post("/__emulator/faults", json=bad)
        assert response.status_code == 400, bad
    assert emu.faults() == []


# -- request log -------------------------------------------------------------------------------------


def test_request_log_records_requests_and_redacts_every_key(emu: EmulatorProcess) -> None:
    stray = "sk-live-should-never-be-logged"
    emu.post("/channel/list", {"note": f"the key is {emu.app_key}"})
    emu.post("/channel/list", {}, app_key=stray)
    emu.client.post("/channel/list", params={"p": "1", "app_key": emu.app_key, "q": "x"}, json={})
    ok(CREATE, emu.post(CREATE, escalation()))
    entries = emu.requests()
    assert [e["path"] for e in entries] == ["/channel/list"] * 3 + [CREATE]
    assert [e["status"] for e in entries] == [200, 401, 200, 200]
    assert entries[1]["error_code"] == "Unauthorized"
    assert entries[0]["body"] == {"note": "the key is REDACTED"}
    assert entries[2]["query"] == "p=1&app_key=REDACTED&q=x"
    assert entries[3]["body"]["rule_name"] == "Primary on-call" and entries[3]["write"] is True
    text = json.dumps(entries) + emu.client.get("/__emulator/config").text + json.dumps(emu.state_snapshot())
    assert emu.app_key not in text and stray not in text
    assert [e["path"] for e in emu.writes()] == [CREATE]
    since = entries[1]["seq"]
    assert [e["seq"] for e in emu.requests(since=since)] == [entries[2]["seq"], entries[3]["seq"]]
    emu.clear_requests()
    assert emu.requests() == []


# -- persistence and the command line ----------------------------------------------------------------


def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorProcess(state=state) as first:
        rule_id = first.call(CREATE, escalation(rule_name="persisted"))["rule_id"]
        first.call("/route/upsert", route())
    saved = state.read_text()
    assert "persisted" in saved and first.app_key not in saved
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temp files left behind
    with EmulatorProcess(state=state) as second:
        item = second.call("/channel/escalate/rule/info", {"channel_id": PAYMENTS, "rule_id": rule_id})
        assert item["rule_name"] == "persisted"
        second.call("/route/upsert", route(version=1))
        assert second.call("/route/info", {"integration_id": SHARED})["version"] == 2
        second.reset()
    assert json.loads(state.read_text())["escalation_rules"] == {}


def test_cli_prints_the_url_first_never_the_key_and_stops_on_sigterm(tmp_path: Path) -> None:
    key = "fd-cli-secret-key-0042"
    proc = subprocess.Popen(
        [sys.executable, "-m", "flashduty_pulumi.emulator", "--port", "0", "--app-key", key],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and int(url.rsplit(":", 1)[1]) > 0
        with httpx.Client(base_url=url) as client:
            assert client.post("/channel/list", params={"app_key": key}, json={}).status_code == 200
            assert client.post("/channel/list", params={"app_key": "nope-nope"}, json={}).status_code == 401
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert "/channel/list" in err  # not --quiet: requests are logged, without the query string
    assert key not in out + err and "app_key=" not in err.replace("app_key=REDACTED", "")
