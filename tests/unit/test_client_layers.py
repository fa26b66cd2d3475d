"""The client's layers: each transport alone, their order, the app key added once, one deadline
shared by several calls, and ``recover`` after an ambiguous create."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from support.clock import FakeClock

from flashduty_pulumi.client import (
    ClientConfig,
    Deadline,
    FlashdutyClient,
    FlashdutyError,
    RateLimited,
    RateLimiter,
    RetryPolicy,
    ServerError,
    TransportError,
    Unauthorized,
)
from flashduty_pulumi.client.authgate import AuthGateTransport
from flashduty_pulumi.client.envelope import DATA, EnvelopeTransport
from flashduty_pulumi.client.limiter import LimiterTransport
from flashduty_pulumi.client.transport import ENDPOINT, AppKey, PoolTransport

pytestmark = pytest.mark.unit

KEY = "layers-test-key-0001"
CREATE = "/channel/silence/rule/create"


def request(path: str = "/x") -> httpx.Request:
    return httpx.Request("POST", f"http://fd.test{path}", json={}, extensions={ENDPOINT: path})


def answer(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.MockTransport:
    return httpx.MockTransport(lambda r: httpx.Response(status, json=body, headers=headers))


def scripted(*replies: httpx.Response | type[httpx.RequestError], retry: RetryPolicy | None = None) -> Any:
    """A client over a transport that plays ``replies`` in order (the last one repeats)."""
    seen: list[httpx.Request] = []
    clock = FakeClock()

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        reply = replies[min(len(seen), len(replies)) - 1]
        if isinstance(reply, httpx.Response):
            return reply
        raise reply("boom", request=req)

    config = ClientConfig(app_key=KEY, base_url="http://fd.test", retry=retry or RetryPolicy())
    client = FlashdutyClient(
        config=config,
        transport=httpx.MockTransport(handler),
        limiter=RateLimiter(0, 0),
        clock=clock,
        sleep=clock.sleep,
        rand=lambda: 1.0,
    )
    return client, clock, seen


def error(status: int, code: str) -> httpx.Response:
    return httpx.Response(status, json={"request_id": "rid", "error": {"code": code, "message": code}})


# ------------------------------------------------------------------------------- each layer alone


def test_envelope_layer_puts_data_in_the_response_or_raises_the_typed_error() -> None:
    ok = EnvelopeTransport(answer(200, {"request_id": "r", "data": {"n": 2**60}}))
    assert ok.handle_request(request()).extensions[DATA] == {"n": 2**60}
    failing = EnvelopeTransport(answer(400, {"request_id": "r", "error": {"code": "ResourceNotFound"}}))
    with pytest.raises(FlashdutyError) as info:
        failing.handle_request(request("/route/info"))
    assert type(info.value).__name__ == "ResourceNotFound" and info.value.path == "/route/info"


def test_a_success_whose_body_is_json_but_no_envelope_is_an_error() -> None:
    with pytest.raises(FlashdutyError, match="not a Flashduty envelope") as info:
        EnvelopeTransport(answer(200, [1, 2])).handle_request(request())
    assert info.value.code == "InvalidResponse"


def test_limiter_layer_holds_a_slot_until_the_answer_is_read_and_pauses_on_429() -> None:
    clock = FakeClock()
    limiter = RateLimiter(50, 1000, clock=clock, sleep=clock.sleep)
    inside: list[int] = []

    def handler(req: httpx.Request) -> httpx.Response:
        inside.append(limiter.in_flight)
        return httpx.Response(
            429, headers={"Retry-After": "3"}, json={"error": {"code": "RequestTooFrequently"}}
        )

    layer = LimiterTransport(EnvelopeTransport(httpx.MockTransport(handler)), limiter)
    with pytest.raises(RateLimited):
        layer.handle_request(request())
    assert inside == [1] and limiter.in_flight == 0
    assert limiter.acquire() == pytest.approx(3.0)  # the whole process waits out the Retry-After
    limiter.release()


def test_a_retry_after_longer_than_the_longest_window_pauses_nothing() -> None:
    clock = FakeClock()
    limiter = RateLimiter(50, 1000, clock=clock, sleep=clock.sleep)
    limiter.pause(3600.0)
    assert limiter.acquire() == 0.0
    limiter.release()


def test_gate_layer_refuses_without_reaching_the_layers_below() -> None:
    reached: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        reached.append(req.url.path)
        return httpx.Response(401, json={"request_id": "r1", "error": {"code": "Unauthorized"}})

    clock = FakeClock()
    limiter = RateLimiter(50, 1000, clock=clock, sleep=clock.sleep)
    gate = AuthGateTransport(LimiterTransport(EnvelopeTransport(httpx.MockTransport(handler)), limiter))
    for path in ("/a", "/b", "/a"):
        with pytest.raises(Unauthorized):
            gate.handle_request(request(path))
    assert reached == ["/a"]


def test_the_app_key_joins_the_request_at_the_pool_only() -> None:
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={"data": {}})

    pool = httpx.Client(transport=httpx.MockTransport(handler))
    layer = PoolTransport(lambda: pool, AppKey(KEY))
    req = request()
    layer.handle_request(req)
    assert seen[0].url.params.get_list("app_key") == [KEY] and layer.sent == 1
    assert KEY not in repr(AppKey(KEY))


# ---------------------------------------------------------------------------------- one deadline


def test_a_deadline_passed_to_several_calls_bounds_them_together() -> None:
    c, clock, seen = scripted(error(500, "InternalError"))
    shared = Deadline(2.0, clock)
    with pytest.raises(ServerError):
        c.call("/x", {}, deadline=shared)  # waits 0.5 then 1.0: 1.5 of the 2 s
    assert clock.sleeps == [0.5, 1.0]
    with pytest.raises(ServerError):
        c.call("/x", {}, deadline=shared)  # 0.5 left: the first backoff (0.5) fits, the next does not
    assert clock.sleeps == [0.5, 1.0, 0.5] and len(seen) == 5
    assert c.deadline().seconds == RetryPolicy().deadline


# ------------------------------------------------------------------------------------- recover


def test_recover_answers_for_an_ambiguous_create_that_took_effect() -> None:
    c, clock, seen = scripted(httpx.ReadTimeout)
    asked: list[FlashdutyError] = []

    def recover(err: FlashdutyError) -> Any:
        asked.append(err)
        return {"rule_id": "found"}

    assert c.call(CREATE, {}, idempotent=False, recover=recover) == {"rule_id": "found"}
    assert len(seen) == 1 and clock.sleeps == [] and isinstance(asked[0], TransportError)


def test_recover_finding_nothing_lets_the_create_be_repeated() -> None:
    c, clock, seen = scripted(
        error(503, "ServiceUnavailable"), httpx.Response(200, json={"data": {"rule_id": "new"}})
    )
    assert c.call(CREATE, {}, idempotent=False, recover=lambda err: None) == {"rule_id": "new"}
    assert len(seen) == 2 and clock.sleeps == [0.5]


def test_recover_is_asked_after_every_ambiguous_failure_and_its_error_wins() -> None:
    c, _, seen = scripted(error(503, "ServiceUnavailable"))
    asked: list[int] = []

    def recover(err: FlashdutyError) -> Any:
        asked.append(len(seen))
        if len(seen) == 2:
            raise RuntimeError("look-up failed")
        return None

    with pytest.raises(RuntimeError, match="look-up failed"):
        c.call(CREATE, {}, idempotent=False, recover=recover)
    assert asked == [1, 2] and len(seen) == 2


def test_recover_is_not_asked_for_failures_that_are_not_ambiguous() -> None:
    c, _, seen = scripted(error(400, "InvalidParameter"))

    def recover(err: FlashdutyError) -> Any:
        raise AssertionError("not ambiguous: nothing to recover")

    with pytest.raises(FlashdutyError, match="invalid"):
        c.call(CREATE, {}, idempotent=False, recover=recover)
    assert len(seen) == 1


def test_without_recover_an_ambiguous_create_is_not_repeated() -> None:
    c, _, seen = scripted(error(503, "ServiceUnavailable"), httpx.Response(200, json={"data": {}}))
    with pytest.raises(ServerError) as info:
        c.call(CREATE, {}, idempotent=False)
    assert len(seen) == 1 and info.value.maybe_applied
