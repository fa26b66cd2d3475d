"""A refused key is learnt once: one request, then every further call fails at once, unsent."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from flashduty_pulumi.client import AccessDenied, ClientConfig, FlashdutyClient, RateLimiter, Unauthorized
from flashduty_pulumi.client.authgate import NOT_SENT
from flashduty_pulumi.client.rule_families import ESCALATION_RULES, SILENCE_RULES

pytestmark = pytest.mark.unit

KEY = "gate-test-key-0001"


def client(status_for: dict[str, int]) -> tuple[FlashdutyClient, list[str]]:
    seen: list[str] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            seen.append(request.url.path)
        status = status_for.get(request.url.path, 200)
        if status == 200:
            return httpx.Response(200, json={"request_id": "ok", "data": {"items": []}})
        code = {401: "Unauthorized", 403: "AccessDenied"}[status]
        body = {"request_id": f"rid-{status}", "error": {"code": code, "message": "no"}}
        return httpx.Response(status, json=body)

    config = ClientConfig(app_key=KEY, base_url="http://fd.test")
    transport = httpx.MockTransport(handler)
    return FlashdutyClient(config=config, transport=transport, limiter=RateLimiter(0, 0)), seen


def test_a_wrong_key_costs_one_request_however_many_calls_race() -> None:
    c, seen = client({"/channel/escalate/rule/list": 401, "/channel/silence/rule/list": 401})
    calls = [lambda: c.rule_list(ESCALATION_RULES, 1), lambda: c.rule_list(SILENCE_RULES, 1)] * 8
    with ThreadPoolExecutor(8) as pool:
        errors = list(pool.map(lambda call: _raises(call), calls))
    assert len(seen) == 1
    assert all(isinstance(e, Unauthorized) and e.request_id == "rid-401" for e in errors)
    assert sum(NOT_SENT in str(e) for e in errors) == 15
    with pytest.raises(Unauthorized, match="not sent"):
        c.rule_list(SILENCE_RULES, 1)  # any endpoint: the key itself was refused
    assert len(seen) == 1


def test_a_missing_permission_is_remembered_per_endpoint() -> None:
    c, seen = client({"/channel/escalate/rule/disable": 403})
    for _ in range(3):
        with pytest.raises(AccessDenied):
            c.rule_set_enabled(ESCALATION_RULES, 1, "a" * 24, False)
    assert seen == ["/channel/escalate/rule/disable"]
    c.rule_list(ESCALATION_RULES, 1)  # reads still work
    assert seen[-1] == "/channel/escalate/rule/list"


def _raises(fn: object) -> Exception:
    try:
        fn()  # type: ignore[operator]
    except Exception as exc:
        return exc
    raise AssertionError("expected an error")
