"""Envelope parsing and error classification (code first, HTTP status only as a fallback)."""

from __future__ import annotations

import pickle
from typing import Any

import httpx
import pytest

from flashduty_pulumi.client import (
    AccessDenied,
    Conflict,
    FlashdutyClient,
    FlashdutyError,
    InvalidParameter,
    RateLimited,
    RateLimiter,
    ReferenceExist,
    ResourceNotFound,
    RetryPolicy,
    ServerError,
    Unauthorized,
    is_conflict,
    is_not_found,
    is_stale_version,
    is_transient,
)
from flashduty_pulumi.client.config import ClientConfig
from flashduty_pulumi.client.rule_families import ESCALATION_RULES

pytestmark = pytest.mark.unit

KEY = "envelope-test-key-0001"


def client_for(response: httpx.Response | Any) -> FlashdutyClient:
    def handler(request: httpx.Request) -> httpx.Response:
        return response if isinstance(response, httpx.Response) else response(request)

    config = ClientConfig(app_key=KEY, base_url="http://fd.test", retry=RetryPolicy(max_retries=0))
    return FlashdutyClient(config=config, transport=httpx.MockTransport(handler), limiter=RateLimiter(0, 0))


@pytest.mark.parametrize(
    "payload",
    [
        {"request_id": "r"},  # data absent
        {"request_id": "r", "data": None},
        {"request_id": "r", "data": {}},
        {"request_id": "r", "data": {}, "error": {"code": "", "message": ""}},
        {"request_id": "r", "data": {}, "error": {"code": "OK", "message": "fine"}},
        {"request_id": "r", "error": {"code": "0"}},
        {"request_id": "r", "error": None},
    ],
)
def test_success_envelopes(payload: dict[str, Any]) -> None:
    c = client_for(httpx.Response(200, json=payload))
    c.rule_delete(ESCALATION_RULES, 1, "a" * 24)  # no exception
    assert c.route_info(5) is None


def test_empty_body_is_success() -> None:
    client_for(httpx.Response(200, content=b"")).rule_set_enabled(ESCALATION_RULES, 1, "a" * 24, True)


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "ResourceNotFound", ResourceNotFound),  # 400, not 404
        (200, "ResourceNotFound", ResourceNotFound),  # error inside HTTP 200
        (400, "InvalidParameter", InvalidParameter),
        (400, "BadRequest", InvalidParameter),
        (400, "ReferenceExist", ReferenceExist),
        (401, "Unauthorized", Unauthorized),
        (403, "AccessDenied", AccessDenied),
        (429, "RequestTooFrequently", RateLimited),
        (500, "InternalError", ServerError),
        (503, "ServiceUnavailable", ServerError),
        (400, "NoLicense", FlashdutyError),
        (404, "RouteNotFound", FlashdutyError),
        (418, "SomethingNew", FlashdutyError),
        (502, "SomethingNew", ServerError),
    ],
)
def test_classification_by_code(status: int, code: str, cls: type[FlashdutyError]) -> None:
    c = client_for(
        httpx.Response(status, json={"request_id": "rid-1", "error": {"code": code, "message": "m"}})
    )
    with pytest.raises(FlashdutyError) as info:
        c.rule_get(ESCALATION_RULES, 1, "a" * 24)
    err = info.value
    assert type(err) is cls
    assert (err.code, err.status, err.request_id, err.path) == (
        code,
        status,
        "rid-1",
        "/channel/escalate/rule/info",
    )
    assert "rid-1" in str(err)


def test_route_not_found_code_is_not_resource_not_found() -> None:
    c = client_for(
        httpx.Response(404, json={"request_id": "r", "error": {"code": "RouteNotFound", "message": "m"}})
    )
    with pytest.raises(FlashdutyError) as info:
        c.rule_delete(ESCALATION_RULES, 1, "a" * 24)
    assert not is_not_found(info.value)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (401, Unauthorized),
        (403, AccessDenied),
        (429, RateLimited),
        (500, ServerError),
        (502, ServerError),
        (409, Conflict),
        (400, FlashdutyError),
    ],
)
def test_classification_without_envelope(status: int, cls: type[FlashdutyError]) -> None:
    c = client_for(httpx.Response(status, text="<html>bad gateway</html>"))
    with pytest.raises(FlashdutyError) as info:
        c.rule_list(ESCALATION_RULES, 1)
    assert type(info.value) is cls
    assert info.value.status == status


def test_request_id_from_header_wins() -> None:
    c = client_for(
        httpx.Response(
            400,
            headers={"Flashcat-Request-Id": "hdr-9"},
            json={"request_id": "body-1", "error": {"code": "InvalidParameter", "message": "x"}},
        )
    )
    with pytest.raises(InvalidParameter) as info:
        c.rule_list(ESCALATION_RULES, 1)
    assert info.value.request_id == "hdr-9" and "hdr-9" in str(info.value)


def test_reason_is_kept() -> None:
    c = client_for(
        httpx.Response(400, json={"error": {"code": "InvalidParameter", "message": "bad", "reason": "why"}})
    )
    with pytest.raises(InvalidParameter, match=r"bad \(why\)"):
        c.rule_list(ESCALATION_RULES, 1)


def test_non_json_success_is_an_error() -> None:
    with pytest.raises(FlashdutyError, match="not JSON"):
        client_for(httpx.Response(200, text="hello")).rule_list(ESCALATION_RULES, 1)


def test_unexpected_shape_is_reported() -> None:
    with pytest.raises(FlashdutyError, match="unexpected response shape"):
        client_for(httpx.Response(200, json={"data": {"rule_name": "x"}})).rule_create(
            ESCALATION_RULES, _escalation_create()
        )


def _escalation_create() -> Any:
    from flashduty_pulumi.models import CreateEscalationRuleRequest

    return CreateEscalationRuleRequest.model_validate(
        {
            "channel_id": 1,
            "template_id": "0" * 24,
            "rule_name": "r",
            "layers": [{"target": {"person_ids": [1], "by": {"follow_preference": True}}}],
        }
    )


# ---------------------------------------------------------------------------- stale versions


@pytest.mark.parametrize(
    ("code", "message", "status", "stale"),
    [
        ("InvalidParameter", "The specified parameter version is not valid.", 400, True),
        ("InvalidParameter", "stale Version: current is 4", 400, True),
        ("InvalidParameter", "The specified parameter integration_id is not valid.", 400, False),
        ("InvalidParameter", "conversion failed", 400, False),
        ("", "", 409, True),
        ("Conflict", "", 400, True),
    ],
)
def test_stale_version_predicate(code: str, message: str, status: int, stale: bool) -> None:
    assert is_stale_version(code, message, status) is stale


def test_stale_route_version_raises_conflict() -> None:
    body = {
        "request_id": "r",
        "error": {"code": "InvalidParameter", "message": "The specified parameter version is not valid."},
    }
    from flashduty_pulumi.models import UpsertRouteRequest

    req = UpsertRouteRequest(integration_id=1, default={"channel_ids": [2]}, version=3)  # type: ignore[arg-type]
    with pytest.raises(Conflict) as info:
        client_for(httpx.Response(400, json=body)).route_upsert(req)
    assert is_conflict(info.value) and isinstance(info.value, InvalidParameter)
    assert "stale version" in str(info.value) and "refresh" in str(info.value)


def test_predicates_and_pickling() -> None:
    err = ServerError("InternalError", "boom", "rid", 500, path="/x", maybe_applied=True)
    assert is_transient(err) and not is_not_found(err)
    back = pickle.loads(pickle.dumps(err))
    assert (
        type(back) is ServerError
        and back.maybe_applied
        and back.request_id == "rid"
        and str(back) == str(err)
    )


def test_messages_are_actionable() -> None:
    assert "flashduty:appKey" in str(Unauthorized("Unauthorized", "You are unauthorized.", "r", 401))
    assert "references" in str(ReferenceExist("ReferenceExist", "in use", "r", 400))
    assert "request_id unknown" in str(FlashdutyError("X", "m"))
