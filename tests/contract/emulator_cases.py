"""Valid request bodies for the emulator's seed data, and assertions shared by its contract tests."""

from __future__ import annotations

import copy
from typing import Any

import httpx

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.spec import default_validator

PAYMENTS = seed.CHANNEL_PAYMENTS_ID
CHECKOUT = seed.CHANNEL_CHECKOUT_ID
SHARED = seed.SHARED_INTEGRATION_ID


def escalation(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel_id": PAYMENTS,
        "rule_name": "Primary on-call",
        "template_id": seed.PRESET_TEMPLATE_ID,
        "layers": [{"target": {"person_ids": [seed.ALICE_ID], "by": {"follow_preference": True}}}],
    }
    body.update(copy.deepcopy(changes))
    return body


def silence(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel_id": PAYMENTS,
        "rule_name": "Maintenance",
        "time_filter": {"start_time": 1_900_000_000, "end_time": 1_900_003_600},
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
    }
    body.update(copy.deepcopy(changes))
    return body


def case(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}],
        "channel_ids": [PAYMENTS],
        "fallthrough": False,
    }
    body.update(copy.deepcopy(changes))
    return body


def route(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "integration_id": SHARED,
        "cases": [case()],
        "default": {"channel_ids": [CHECKOUT]},
    }
    body.update(copy.deepcopy(changes))
    return body


def ok(path: str, response: httpx.Response) -> Any:
    """Assert a spec-valid 200 envelope with the request-ID header; return its data."""
    payload = response.json()
    assert response.status_code == 200, payload
    assert response.headers["Flashcat-Request-Id"] == payload["request_id"]
    errors = default_validator().response_errors(path, payload)
    assert errors == [], [str(e) for e in errors]
    return payload.get("data")


def failed(response: httpx.Response, code: str, status: int = 400) -> str:
    """Assert a spec-valid error envelope with this code and status; return the message."""
    payload = response.json()
    assert (response.status_code, payload.get("error", {}).get("code")) == (status, code), payload
    assert "data" not in payload
    assert default_validator().error_response_errors(payload) == []
    assert response.headers["Flashcat-Request-Id"] == payload["request_id"]
    message: str = payload["error"]["message"]
    return message
