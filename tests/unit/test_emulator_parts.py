"""The emulator's small parts without sockets: limiter, faults, redaction, store, seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.clock import FakeClock

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.api import HANDLERS
from flashduty_pulumi.emulator.faults import FaultSet, parse_fault
from flashduty_pulumi.emulator.ratelimit import RateLimiter
from flashduty_pulumi.emulator.requestlog import loggable_body, readable_body, redact_query
from flashduty_pulumi.emulator.spec import default_validator
from flashduty_pulumi.emulator.store import Store

pytestmark = pytest.mark.unit


def test_limiter_per_second_window_slides() -> None:
    clock = FakeClock(1000.0)
    limiter = RateLimiter(per_second=3, per_minute=100, clock=clock)
    assert [limiter.admit("k") for _ in range(3)] == [None, None, None]
    assert limiter.admit("k") == 1
    assert limiter.admit("other") is None  # per key
    clock.now += 0.5
    assert limiter.admit("k") == 1  # still 3 in the last second
    clock.now += 0.6
    assert limiter.admit("k") is None


def test_limiter_per_minute_window_and_retry_after() -> None:
    clock = FakeClock(1000.0)
    limiter = RateLimiter(per_second=50, per_minute=4, clock=clock)
    for _ in range(4):
        assert limiter.admit("k") is None
        clock.now += 2
    assert limiter.admit("k") == 52  # the first request leaves the window 60 s after it was made
    clock.now += 52
    assert limiter.admit("k") is None


def test_fault_parsing_defaults_and_errors() -> None:
    fault = parse_fault({"status": 503}, 1)
    assert (fault.count, fault.probability, fault.error_code()) == (1, 1.0, "ServiceUnavailable")
    assert parse_fault({"status": 503, "count": None}, 2).count is None
    assert parse_fault({"status": 504}, 3).error_code() is None  # no documented code: a proxy's answer
    bad: object
    for bad in (
        {},
        {"status": 302},
        {"status": True},
        {"latency_ms": -1},
        {"status": 500, "count": 0},
        {"status": 500, "probability": 1.5},
        {"status": 500, "code": 5},
        {"status": 500, "x": 1},
        [],
    ):
        with pytest.raises(ValueError):
            parse_fault(bad, 9)


def test_fault_set_matching_order_path_writes_and_seeded_chance() -> None:
    faults = FaultSet()
    faults.add({"status": 500, "path": "/route/", "count": 2})
    faults.add({"status": 503, "writes_only": True})
    assert faults.match("/channel/list", is_write=False) is None
    first = faults.match("/route/info", is_write=False)
    assert first is not None and first.status == 500
    assert faults.match("/channel/escalate/rule/create", is_write=True).status == 503  # type: ignore[union-attr]
    assert [f["fault_id"] for f in faults.to_json()] == [1]  # the 503 is used up

    def draws(seed_value: int) -> list[bool]:
        chance = FaultSet()
        chance.add({"status": 503, "count": None, "probability": 0.3, "seed": seed_value})
        return [chance.match("/x", False) is not None for _ in range(200)]

    assert draws(7) == draws(7) != draws(8)
    assert 30 <= sum(draws(7)) <= 90


def test_redaction_of_query_and_body() -> None:
    assert redact_query("app_key=abc&p=1&app_key=def") == "app_key=REDACTED&p=1&app_key=REDACTED"
    assert readable_body(loggable_body(b'{"k": "secret-key-1"}', ["secret-key-1"])) == {"k": "REDACTED"}
    assert readable_body(loggable_body(b"not json secret-key-1", ["secret-key-1"])) == "not json REDACTED"


def test_store_persists_atomically_and_reloads(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = Store(seed.seed_state, path)
    assert json.loads(path.read_text())["channels"].keys() == {str(i) for i in seed.CHANNEL_IDS.values()}
    with store.lock:
        store.collection("routes")["1"] = {"version": 3}
        store.commit()
    assert Store(seed.seed_state, path).get("routes", 1) == {"version": 3}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    store.reset()
    assert Store(seed.seed_state, path).get("routes", 1) is None
    path.write_text('{"something": "else"}')
    with pytest.raises(ValueError):
        Store(seed.seed_state, path)


def test_object_ids_are_unique_24_hex() -> None:
    store = Store(seed.seed_state)
    ids = {store.new_object_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(len(i) == 24 and int(i, 16) >= 0 for i in ids)


def test_seed_is_deterministic_and_spec_valid() -> None:
    assert seed.seed_state() == seed.seed_state()
    state = seed.seed_state()
    assert seed.BIG_MEMBER_ID > 2**53 and float(seed.BIG_MEMBER_ID) != seed.BIG_MEMBER_ID
    assert all(len(str(i)) == 13 for i in (seed.ACCOUNT_ID, seed.TEAM_SRE_ID, *seed.CHANNEL_IDS.values()))
    v = default_validator()
    for path, body in (
        ("/channel/list", {}),
        ("/member/list", {}),
        ("/team/list", {}),
        ("/template/list", {}),
        ("/template/info", {"template_id": seed.PRESET_TEMPLATE_ID}),
    ):
        envelope = {"request_id": "r", "data": HANDLERS[path](Store(lambda: state), body)}
        assert v.response_errors(path, envelope, allow_nil=False) == [], path
