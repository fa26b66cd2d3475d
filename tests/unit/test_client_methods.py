"""Each typed method: its path, its body, its parsed result; paging; config; thread safety."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from flashduty_pulumi.client import ClientConfig, ConfigurationError, FlashdutyClient, RateLimiter
from flashduty_pulumi.client.rule_families import ESCALATION_RULES, SILENCE_RULES
from flashduty_pulumi.client.transport import shared_http_client
from flashduty_pulumi.models import (
    CreateEscalationRuleRequest,
    CreateSilenceRuleRequest,
    ListChannelsRequest,
    MemberListRequest,
    UpdateEscalationRuleRequest,
    UpdateSilenceRuleRequest,
    UpsertRouteRequest,
)

pytestmark = pytest.mark.unit

RID = "5f2d8c0e9a1b2c3d4e5f6a7b"
BIG = 2**60 + 7


class Recorder:
    def __init__(self, reply: Callable[[str, dict[str, Any]], Any]) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.reply = reply
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        with self.lock:
            self.calls.append((request.url.path, body))
        assert request.method == "POST"
        assert request.headers["content-type"] == "application/json"
        assert request.url.params["app_key"] == "methods-key-123"
        return httpx.Response(200, json={"request_id": "r", "data": self.reply(request.url.path, body)})


def client(reply: Callable[[str, dict[str, Any]], Any]) -> tuple[FlashdutyClient, Recorder]:
    rec = Recorder(reply)
    c = FlashdutyClient(
        "methods-key-123", "http://fd.test/", transport=httpx.MockTransport(rec), limiter=RateLimiter(0, 0)
    )
    return c, rec


def esc_req() -> dict[str, Any]:
    return {
        "channel_id": BIG,
        "template_id": "0" * 24,
        "rule_name": "r",
        "layers": [{"target": {"person_ids": [1], "by": {"follow_preference": True}}}],
    }


def sil_req() -> dict[str, Any]:
    return {
        "channel_id": 1,
        "rule_name": "s",
        "filters": [[{"key": "k", "oper": "IN", "vals": ["v"]}]],
        "time_filters": [{"start": "01:00", "end": "02:00"}],
    }


def test_escalation_cycle() -> None:
    item = {"rule_id": RID, "channel_id": BIG, "rule_name": "r", "layers": [], "status": "enabled"}

    def reply(path: str, body: dict[str, Any]) -> Any:
        return {
            "/channel/escalate/rule/create": {"rule_id": RID, "rule_name": "r"},
            "/channel/escalate/rule/info": item,
            "/channel/escalate/rule/list": {"items": [item, {**item, "rule_id": "b" * 24, "rule_name": "x"}]},
        }.get(path)

    c, rec = client(reply)
    assert (
        c.rule_create(ESCALATION_RULES, CreateEscalationRuleRequest.model_validate(esc_req())).rule_id == RID
    )
    c.rule_update(ESCALATION_RULES, UpdateEscalationRuleRequest.model_validate({**esc_req(), "rule_id": RID}))
    got = c.rule_get(ESCALATION_RULES, BIG, RID)
    assert got is not None and got.channel_id == BIG
    assert [r.rule_id for r in c.rule_list(ESCALATION_RULES, BIG)] == [RID, "b" * 24]
    assert [r.rule_id for r in c.rules_named(ESCALATION_RULES, BIG, "r")] == [RID]
    c.rule_set_enabled(ESCALATION_RULES, BIG, RID, False)
    c.rule_set_enabled(ESCALATION_RULES, BIG, RID, True)
    c.rule_delete(ESCALATION_RULES, BIG, RID)
    assert [p for p, _ in rec.calls] == [
        "/channel/escalate/rule/create",
        "/channel/escalate/rule/update",
        "/channel/escalate/rule/info",
        "/channel/escalate/rule/list",
        "/channel/escalate/rule/list",
        "/channel/escalate/rule/disable",
        "/channel/escalate/rule/enable",
        "/channel/escalate/rule/delete",
    ]
    assert rec.calls[0][1]["channel_id"] == BIG  # exact in the wire JSON
    assert rec.calls[1][1]["rule_id"] == RID
    assert rec.calls[-1][1] == {"channel_id": BIG, "rule_id": RID}
    assert c.request_count == 8


def test_silence_cycle() -> None:
    item = {"rule_id": RID, "channel_id": 1, "rule_name": "s", "time_filter": None}

    def reply(path: str, body: dict[str, Any]) -> Any:
        if path.endswith("/create"):
            return {"rule_id": RID, "rule_name": body["rule_name"]}
        if path.endswith("/list"):
            return {"items": [item]}
        return {}

    c, rec = client(reply)
    assert c.rule_create(SILENCE_RULES, CreateSilenceRuleRequest.model_validate(sil_req())).rule_name == "s"
    c.rule_update(SILENCE_RULES, UpdateSilenceRuleRequest.model_validate({**sil_req(), "rule_id": RID}))
    assert c.rule_get(SILENCE_RULES, 1, RID.upper()) is not None
    assert c.rule_get(SILENCE_RULES, 1, "c" * 24) is None
    assert len(c.rules_named(SILENCE_RULES, 1, "s")) == 1
    c.rule_set_enabled(SILENCE_RULES, 1, RID, False)
    c.rule_set_enabled(SILENCE_RULES, 1, RID, True)
    c.rule_delete(SILENCE_RULES, 1, RID)
    assert [p.rsplit("/", 1)[1] for p, _ in rec.calls] == [
        "create",
        "update",
        "list",
        "list",
        "list",
        "disable",
        "enable",
        "delete",
    ]
    assert all(p.startswith("/channel/silence/rule/") for p, _ in rec.calls)


def test_routes() -> None:
    route = {
        "integration_id": 9,
        "version": 2,
        "updated_by": 1,
        "creator_id": 1,
        "cases": [],
        "default": {"channel_ids": [1]},
    }

    def reply(path: str, body: dict[str, Any]) -> Any:
        if path == "/route/info":
            return route if body["integration_id"] == 9 else None
        if path == "/route/list":
            return {"items": [route]}
        return {}

    c, rec = client(reply)
    c.route_upsert(
        UpsertRouteRequest.model_validate(
            {"integration_id": 9, "default": {"channel_ids": [1]}, "version": 2}
        )
    )
    found = c.route_info(9)
    assert found is not None and found.version == 2
    assert c.route_info(10) is None
    assert [r.integration_id for r in c.route_list([9, 10])] == [9]
    assert c.route_list([]) == []
    assert rec.calls[0] == (
        "/route/upsert",
        {"integration_id": 9, "cases": [], "sections": [], "default": {"channel_ids": [1]}, "version": 2},
    )
    assert rec.calls[-1] == ("/route/list", {"integration_ids": [9, 10]})
    assert len(rec.calls) == 4


def test_lookups_and_paging() -> None:
    def reply(path: str, body: dict[str, Any]) -> Any:
        p = body.get("p", 1)
        if path == "/channel/list":
            return {"items": [{"channel_id": p}], "total": 3, "has_next_page": p < 3}
        if path == "/template/list":
            return {"items": [{"template_id": "0" * 24}], "total": 1, "has_next_page": False}
        if path == "/member/list":
            per = body["limit"]
            items = [{"member_id": i} for i in range((p - 1) * per, min(p * per, 5))]
            return {"p": p, "limit": per, "total": 5, "items": items}
        if path == "/team/list":
            return {"p": p, "limit": body["limit"], "total": 0, "items": []}
        if path == "/team/info":
            return {"team_id": 4, "team_name": body.get("team_name", "")}
        if path == "/channel/info":
            return {"channel_id": body["channel_id"], "channel_name": "c"}
        if path == "/template/info":
            return {"template_id": body["template_id"]}
        raise AssertionError(path)

    c, rec = client(reply)
    assert [ch.channel_id for ch in c.iter_channels()] == [1, 2, 3]
    assert [rec.calls[i][1]["p"] for i in range(3)] == [1, 2, 3]
    assert len(list(c.iter_templates())) == 1
    assert [m.member_id for m in c.iter_members(MemberListRequest(limit=2))] == [0, 1, 2, 3, 4]
    assert list(c.iter_teams()) == []
    team = c.team_info(team_name="sre")
    assert team is not None and team.team_id == 4
    channel = c.channel_info(7)
    assert channel is not None and channel.channel_name == "c"
    assert c.template_info("0" * 23 + "1") is not None
    assert c.channel_list(ListChannelsRequest(channel_name="x")).total == 3
    assert rec.calls[-1][1] == {"p": 1, "limit": 100, "channel_name": "x"}


def test_config_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHDUTY_APP_KEY", "env-key-1234")
    monkeypatch.setenv("FLASHDUTY_BASE_URL", "http://localhost:8080/")
    monkeypatch.setenv("FLASHDUTY_TIMEOUT", "12")
    cfg = ClientConfig.resolve()
    assert (cfg.app_key, cfg.base_url, cfg.read_timeout) == ("env-key-1234", "http://localhost:8080", 12.0)
    assert ClientConfig.resolve("arg-key-1234", "https://x.example").base_url == "https://x.example"
    monkeypatch.delenv("FLASHDUTY_BASE_URL")
    assert ClientConfig.resolve().base_url == "https://api.flashcat.cloud"
    monkeypatch.delenv("FLASHDUTY_APP_KEY")
    with pytest.raises(ConfigurationError, match="flashduty:appKey"):
        FlashdutyClient()
    with pytest.raises(ConfigurationError, match="base URL"):
        ClientConfig(app_key="k" * 8, base_url="api.flashcat.cloud")
    with pytest.raises(ConfigurationError, match="FLASHDUTY_TIMEOUT"):
        ClientConfig.resolve("k" * 8, environ={"FLASHDUTY_TIMEOUT": "soon"})


def test_one_shared_pool_per_base_url() -> None:
    a = FlashdutyClient("pool-key-1234", "https://pool-a.example")
    b = FlashdutyClient("pool-key-5678", "https://pool-a.example/")
    assert a._http() is b._http() is shared_http_client("https://pool-a.example")
    assert FlashdutyClient("pool-key-1234", "https://pool-b.example")._http() is not a._http()


def test_client_is_safe_under_four_threads() -> None:
    c, rec = client(lambda path, body: {"items": [{"rule_id": RID, "channel_id": body["channel_id"]}]})
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(50):
                items = c.rule_list(ESCALATION_RULES, n * 1000 + i + 1)
                assert items[0].channel_id == n * 1000 + i + 1
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert c.request_count == 200 == len(rec.calls)
