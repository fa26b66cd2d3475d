"""Retries: backoff with full jitter and a cap, Retry-After, a deadline, and the idempotent flag."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from support.clock import FakeClock

from flashduty_pulumi.client import (
    FlashdutyClient,
    InvalidParameter,
    RateLimited,
    RateLimiter,
    RetryPolicy,
    ServerError,
    TransportError,
    parse_retry_after,
    should_retry,
)
from flashduty_pulumi.client.config import ClientConfig
from flashduty_pulumi.client.rule_families import ESCALATION_RULES, SILENCE_RULES
from flashduty_pulumi.models import CreateEscalationRuleRequest, CreateSilenceRuleRequest, UpsertRouteRequest

pytestmark = pytest.mark.unit

OK = {"request_id": "ok", "data": {"rule_id": "a" * 24, "rule_name": "r"}}
WALL = 1_800_000_000.0


Step = Callable[[httpx.Request], httpx.Response]


def scripted(*steps: Step | httpx.Response) -> tuple[FlashdutyClient, FakeClock, list[httpx.Request]]:
    """A client whose transport plays ``steps`` in order (the last one repeats)."""
    seen: list[httpx.Request] = []
    clock = FakeClock()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = steps[min(len(seen), len(steps)) - 1]
        return step(request) if callable(step) else step

    config = ClientConfig(app_key="retry-test-key-42", base_url="http://fd.test", retry=RetryPolicy())
    client = FlashdutyClient(
        config=config,
        transport=httpx.MockTransport(handler),
        limiter=RateLimiter(0, 0),
        clock=clock,
        sleep=clock.sleep,
        rand=lambda: 1.0,
        wall_clock=lambda: WALL,
    )
    return client, clock, seen


def err(status: int, code: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        headers=headers,
        json={"request_id": f"rid-{status}", "error": {"code": code, "message": code}},
    )


def raise_(exc: type[httpx.HTTPError]) -> Step:
    def step(request: httpx.Request) -> httpx.Response:
        raise exc("boom", request=request)

    return step


def escalation_create() -> CreateEscalationRuleRequest:
    return CreateEscalationRuleRequest.model_validate(
        {
            "channel_id": 1,
            "template_id": "0" * 24,
            "rule_name": "r",
            "layers": [{"target": {"person_ids": [1], "by": {"follow_preference": True}}}],
        }
    )


def silence_create() -> CreateSilenceRuleRequest:
    return CreateSilenceRuleRequest.model_validate(
        {
            "channel_id": 1,
            "rule_name": "s",
            "filters": [[{"key": "k", "oper": "IN", "vals": ["v"]}]],
            "time_filter": {"start_time": 1, "end_time": 2},
        }
    )


# ------------------------------------------------------------------------------------ policy


def test_backoff_is_full_jitter_exponential_and_capped() -> None:
    p = RetryPolicy(base_delay=0.5, max_delay=8.0)
    assert [p.backoff(n, lambda: 1.0) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert p.backoff(3, lambda: 0.25) == 1.0
    assert p.backoff(1000, lambda: 1.0) == 8.0


def test_parse_retry_after() -> None:
    assert parse_retry_after("3", WALL) == 3.0
    assert parse_retry_after(" 1.5 ", WALL) == 1.5
    assert parse_retry_after("-2", WALL) == 0.0
    date = email.utils.formatdate(WALL + 7, usegmt=True)
    assert parse_retry_after(date, WALL) == pytest.approx(7.0)
    assert parse_retry_after(email.utils.formatdate(WALL - 60, usegmt=True), WALL) == 0.0
    for bad in (None, "", "soon", "nan", "Wed, 99 Foo 2024 xx"):
        assert parse_retry_after(bad, WALL) is None


@pytest.mark.parametrize(
    ("error", "idempotent", "expected"),
    [
        (RateLimited(), False, True),
        (TransportError(maybe_applied=False), False, True),  # connect error: never sent
        (TransportError(maybe_applied=True), False, False),  # read timeout after sending
        (TransportError(maybe_applied=True), True, True),
        (ServerError(status=503), False, False),
        (ServerError(status=500), True, True),
        (InvalidParameter(), True, False),
    ],
)
def test_should_retry(error: Any, idempotent: bool, expected: bool) -> None:
    assert should_retry(error, idempotent=idempotent) is expected


# ------------------------------------------------------------------------- idempotent calls


def test_5xx_then_success_is_retried_with_backoff() -> None:
    c, clock, seen = scripted(
        err(500, "InternalError"),
        err(503, "ServiceUnavailable"),
        httpx.Response(200, json={"data": {"items": []}}),
    )
    assert c.rule_list(ESCALATION_RULES, 1) == []
    assert len(seen) == 3 and clock.sleeps == [0.5, 1.0]
    assert c.request_count == 3 and c.retry_count == 2


@pytest.mark.parametrize(
    "exc", [httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ConnectError, httpx.WriteError]
)
def test_transport_errors_are_retried_for_idempotent_calls(exc: type[httpx.HTTPError]) -> None:
    c, _clock, seen = scripted(raise_(exc), httpx.Response(200, json={"data": {}}))
    c.rule_set_enabled(ESCALATION_RULES, 1, "a" * 24, False)
    assert len(seen) == 2


def test_retries_stop_after_max_retries() -> None:
    c, clock, seen = scripted(err(500, "InternalError"))
    with pytest.raises(ServerError) as info:
        c.rule_list(ESCALATION_RULES, 1)
    assert len(seen) == 11  # 1 + 10 retries
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0] + [8.0] * 6  # capped at max_delay
    assert info.value.attempts == 11 and "after 11 attempts" in str(info.value)


def test_rate_limits_do_not_use_up_the_retries_but_zero_retries_means_none() -> None:
    c, clock, seen = scripted(
        *[err(429, "RequestTooFrequently", {"Retry-After": "1"})] * 14, httpx.Response(200, json={"data": {}})
    )
    c.rule_set_enabled(
        ESCALATION_RULES, 1, "a" * 24, True
    )  # 14 429s in a row: more than max_retries, within the deadline
    assert len(seen) == 15 and clock.sleeps == [1.0] * 14
    c, clock, seen = scripted(err(429, "RequestTooFrequently", {"Retry-After": "1"}))
    never = RetryPolicy(max_retries=0)
    c.config = ClientConfig(app_key="retry-test-key-42", base_url="http://fd.test", retry=never)
    with pytest.raises(RateLimited):
        c.rule_set_enabled(ESCALATION_RULES, 1, "a" * 24, True)
    assert len(seen) == 1


def test_deadline_stops_retrying() -> None:
    c, clock, seen = scripted(err(500, "InternalError"))
    c.config = ClientConfig(
        app_key="retry-test-key-42", base_url="http://fd.test", retry=RetryPolicy(deadline=3.0)
    )
    with pytest.raises(ServerError):
        c.rule_list(ESCALATION_RULES, 1)
    assert clock.sleeps == [0.5, 1.0] and len(seen) == 3  # a 2 s wait would pass the 3 s budget


def test_retry_after_seconds_is_honoured() -> None:
    c, clock, _ = scripted(
        err(429, "RequestTooFrequently", {"Retry-After": "3"}), httpx.Response(200, json={"data": {}})
    )
    c.rule_set_enabled(ESCALATION_RULES, 1, "a" * 24, True)
    assert clock.sleeps == [3.0]


def test_retry_after_http_date_is_honoured() -> None:
    date = email.utils.formatdate(WALL + 5, usegmt=True)
    c, clock, _ = scripted(
        err(503, "ServiceUnavailable", {"Retry-After": date}), httpx.Response(200, json={"data": {}})
    )
    c.rule_set_enabled(ESCALATION_RULES, 1, "a" * 24, True)
    assert clock.sleeps == [pytest.approx(5.0)]


def test_too_long_retry_after_gives_up() -> None:
    c, clock, seen = scripted(err(429, "RequestTooFrequently", {"Retry-After": "3600"}))
    with pytest.raises(RateLimited) as info:
        c.rule_list(ESCALATION_RULES, 1)
    assert len(seen) == 1 and clock.sleeps == [] and info.value.retry_after == 3600


def test_client_errors_are_not_retried() -> None:
    c, _, seen = scripted(err(400, "InvalidParameter"))
    with pytest.raises(InvalidParameter) as info:
        c.rule_list(ESCALATION_RULES, 1)
    assert len(seen) == 1 and info.value.maybe_applied is False


# --------------------------------------------------------------------- non-idempotent creates


@pytest.mark.parametrize("create", ["escalation", "silence"])
@pytest.mark.parametrize(
    "failure",
    [
        err(500, "InternalError"),
        err(503, "ServiceUnavailable"),
        err(502, ""),
        raise_(httpx.ReadTimeout),
        raise_(httpx.RemoteProtocolError),
        raise_(httpx.ReadError),
        raise_(httpx.WriteTimeout),
    ],
)
def test_create_is_not_retried_after_ambiguous_failure(create: str, failure: Any) -> None:
    c, clock, seen = scripted(failure, httpx.Response(200, json=OK))
    call = (
        (lambda: c.rule_create(ESCALATION_RULES, escalation_create()))
        if create == "escalation"
        else (lambda: c.rule_create(SILENCE_RULES, silence_create()))
    )
    with pytest.raises((ServerError, TransportError)) as info:
        call()
    assert len(seen) == 1 and clock.sleeps == []
    assert info.value.maybe_applied is True
    assert "may have been applied" in str(info.value)


@pytest.mark.parametrize(
    "failure",
    [
        err(429, "RequestTooFrequently"),
        err(200, "RequestTooFrequently"),
        raise_(httpx.ConnectError),
        raise_(httpx.ConnectTimeout),
        raise_(httpx.PoolTimeout),
    ],
)
def test_create_is_retried_when_surely_not_applied(failure: Any) -> None:
    c, _, seen = scripted(failure, failure, httpx.Response(200, json=OK))
    assert c.rule_create(ESCALATION_RULES, escalation_create()).rule_id == "a" * 24
    assert len(seen) == 3


def test_create_error_after_an_ambiguous_retry_keeps_maybe_applied() -> None:
    # A connect error (safe to retry), then a 500 (ambiguous): stop, maybe applied.
    c, _, seen = scripted(raise_(httpx.ConnectError), err(500, "InternalError"))
    with pytest.raises(ServerError) as info:
        c.rule_create(SILENCE_RULES, silence_create())
    assert len(seen) == 2 and info.value.maybe_applied


def test_upsert_conflict_after_ambiguous_attempt_is_flagged() -> None:
    stale = httpx.Response(400, json={"error": {"code": "InvalidParameter", "message": "version is stale"}})
    c, _, seen = scripted(raise_(httpx.ReadTimeout), stale)
    req = UpsertRouteRequest.model_validate(
        {"integration_id": 1, "default": {"channel_ids": [2]}, "version": 1}
    )
    with pytest.raises(InvalidParameter) as info:
        c.route_upsert(req)
    assert type(info.value).__name__ == "Conflict" and info.value.maybe_applied and len(seen) == 2


def test_transport_error_text() -> None:
    c, _, _ = scripted(raise_(httpx.ConnectError))
    c.config = ClientConfig(
        app_key="retry-test-key-42", base_url="http://fd.test", retry=RetryPolicy(max_retries=0)
    )
    with pytest.raises(TransportError) as info:
        c.rule_list(ESCALATION_RULES, 1)
    text = str(info.value)
    assert (
        "ConnectError" in text
        and "was not sent" in text
        and "http://fd.test/channel/escalate/rule/list" in text
    )
    assert info.value.__cause__ is None and info.value.__suppress_context__
