"""An in-memory Flashduty for the export's unit tests (no tests here, helpers only).

`FakeApi` answers the client through `httpx.MockTransport` with the emulator's own endpoint
handlers (`emulator.api.HANDLERS`) over an in-process store: the answers have the real shapes
(nulls, zero values, float notify_step...), with no socket and no process. `account()` fills it with
a rule of every shape the export handles.
"""

from __future__ import annotations

import json
import random
from typing import Any

import httpx

from flashduty_pulumi.client import ClientConfig, FlashdutyClient, RateLimiter, RetryPolicy
from flashduty_pulumi.emulator import api, seed
from flashduty_pulumi.emulator.errors import ApiError
from flashduty_pulumi.emulator.store import Store

PAYMENTS, CHECKOUT = seed.CHANNEL_PAYMENTS_ID, seed.CHANNEL_CHECKOUT_ID
OPS_A, OPS_B = 5201314523131, 5201314524131
BIG_CHANNEL = 2**53 + 5
TEAM_TWIN_A, TEAM_TWIN_B = 4162536477131, 4162536478131
NO_EMAIL = 3141592656131
SHARED_INTEGRATION = seed.SHARED_INTEGRATION_ID
EMPTY_INTEGRATION = 6022140861131
TOKEN = "tok-unit-9f8e7d6c"
URL_SECRET = "https://hooks.example/secret-5a4b3c"
HEADER_SECRET = "Bearer header-secret-1a2b"
SECRETS = (TOKEN, URL_SECRET, HEADER_SECRET)


class FakeApi:
    """The emulator's handlers behind a MockTransport. ``shuffle`` lists items in a random order
    (to prove the export does not depend on it); ``fail`` answers every call with that error."""

    def __init__(self) -> None:
        self.store = Store(seed.seed_state)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.shuffle: random.Random | None = None
        self.fail: tuple[int, str] | None = None
        self.refuse_connections = False

    def add(self, collection: str, **entity: Any) -> None:
        ident = {
            "channels": "channel_id",
            "teams": "team_id",
            "members": "member_id",
            "templates": "template_id",
            "integrations": "integration_id",
        }[collection]
        self.store.collection(collection)[str(entity[ident])] = {**seed.blank(collection), **entity}

    def call(self, path: str, body: dict[str, Any]) -> Any:
        return api.HANDLERS[path](self.store, body)

    def handler(self, request: httpx.Request) -> httpx.Response:
        if self.refuse_connections:
            raise httpx.ConnectError("connection refused", request=request)
        path = request.url.path
        body = json.loads(request.content or b"{}")
        self.calls.append((path, body))
        if self.fail is not None:
            status, code = self.fail
            return httpx.Response(status, json={"request_id": "r1", "error": {"code": code, "message": code}})
        try:
            data = self.call(path, body)
        except ApiError as exc:
            payload = {"request_id": "r1", "error": {"code": exc.code, "message": exc.message}}
            return httpx.Response(exc.status, json=payload)
        if self.shuffle is not None and isinstance(data, dict) and isinstance(data.get("items"), list):
            items = list(data["items"])
            self.shuffle.shuffle(items)
            data = {**data, "items": items}
        return httpx.Response(200, json={"request_id": "r1", "data": data})

    def client(self) -> FlashdutyClient:
        config = ClientConfig(
            app_key="unit-key-0000", base_url="http://fake.flashduty", retry=RetryPolicy(max_retries=0)
        )
        return FlashdutyClient(
            config=config,
            transport=httpx.MockTransport(self.handler),
            limiter=RateLimiter(windows=()),
        )

    def writes(self) -> list[str]:
        reads = ("/list", "/info")
        return [p for p, _ in self.calls if not p.endswith(reads)]


def cond(key: str, vals: list[str], oper: str = "IN") -> dict[str, Any]:
    return {"key": key, "oper": oper, "vals": vals}


def account() -> FakeApi:
    """An account with one rule of every shape (and the naming and look-up corner cases)."""
    fake = FakeApi()
    fake.add("channels", channel_id=OPS_A, channel_name="Ops", team_id=seed.TEAM_SRE_ID)
    fake.add("channels", channel_id=OPS_B, channel_name="Ops", team_id=seed.TEAM_SRE_ID)
    fake.add("channels", channel_id=BIG_CHANNEL, channel_name="Big", team_id=seed.TEAM_SRE_ID)
    fake.add("teams", team_id=TEAM_TWIN_A, team_name="Twins", person_ids=[])
    fake.add("teams", team_id=TEAM_TWIN_B, team_name="Twins", person_ids=[])
    fake.add("members", member_id=NO_EMAIL, member_name="No Mail", email="")
    fake.add("integrations", integration_id=EMPTY_INTEGRATION, integration_name="Empty", kind="shared")
    bob, dana = seed.BOB_ID, seed.BIG_MEMBER_ID

    def esc(channel: int, name: str, layers: list[dict[str, Any]], **fields: Any) -> str:
        body = {
            "channel_id": channel,
            "rule_name": name,
            "template_id": fields.pop("template_id", seed.CUSTOM_TEMPLATE_ID),
            "layers": layers,
            **fields,
        }
        return str(fake.call("/channel/escalate/rule/create", body)["rule_id"])

    def sil(channel: int, name: str, **fields: Any) -> str:
        body = {"channel_id": channel, "rule_name": name, **fields}
        return str(fake.call("/channel/silence/rule/create", body)["rule_id"])

    esc(
        PAYMENTS,
        "On-call",
        [
            {"target": {"team_ids": [seed.TEAM_SRE_ID], "by": {"follow_preference": True}}},
            {
                "target": {
                    "person_ids": [bob, dana, NO_EMAIL],
                    "by": {"critical": ["voice", "sms"], "warning": ["email"], "info": ["feishu_app:12"]},
                    "webhooks": [
                        {"type": "feishu", "settings": {"token": TOKEN, "alias": "ops"}},
                        {"type": "feishu_app", "settings": {"data_source_id": 7, "chat_ids": ["c1"]}},
                        {
                            "type": "custom",
                            "settings": {"url": URL_SECRET, "headers": {"Authorization": HEADER_SECRET}},
                        },
                    ],
                },
                "max_times": 0,
                "notify_step": 0.5,
                "escalate_window": 720,
                "force_escalate": True,
            },
            {
                "target": {
                    "schedule_to_role_ids": {"7100000000001": [0, 2]},
                    "emails": ["oncall@example.com"],
                    "team_ids": [TEAM_TWIN_A],
                    "by": {"follow_preference": True},
                }
            },
        ],
        priority=3,
        aggr_window=600,
        description='A "quoted"\ndescription \\ ü',
        time_filters=[
            {"start": "09:00", "end": "18:00", "repeat": [5, 1, 3]},
            {"start": "00:00", "end": "06:00"},
            {"start": "08:00", "end": "20:00", "cal_id": "cal-1"},
            {"start": "08:00", "end": "20:00", "cal_id": "cal-2", "is_off": True},
        ],
        filters=[
            [cond("severity", ["Warning", "Critical"]), cond("labels.env", ["prod-*"])],
            [cond("title", ["/^db-[0-9]+$/"], "NOTIN"), cond("labels.ip", ["cidr:10.0.0.0/8", "num:gt:3"])],
        ],
    )
    esc(PAYMENTS, "Same name", [{"target": {"person_ids": [bob], "by": {"follow_preference": True}}}])
    esc(CHECKOUT, "Same name", [{"target": {"person_ids": [bob], "by": {"follow_preference": True}}}])
    esc(
        OPS_A,
        "Preset",
        [{"target": {"team_ids": [TEAM_TWIN_B], "by": {"critical": ["push"]}}}],
        template_id=seed.PRESET_TEMPLATE_ID,
        priority=1,
    )
    rid = esc(BIG_CHANNEL, "值班", [{"target": {"person_ids": [dana], "by": {"critical": ["voice"]}}}])
    fake.call("/channel/escalate/rule/disable", {"channel_id": BIG_CHANNEL, "rule_id": rid})
    sil(
        PAYMENTS,
        "Same name",
        filters=[[cond("labels.service", ["db"])]],
        time_filter={"start_time": 1930000000, "end_time": 1930014400},
        is_directly_discard=True,
        priority=4,
        description="maintenance",
    )
    sid = sil(
        CHECKOUT,
        "Nightly",
        filters=[[cond("title", ["*backup*"])], [cond("labels.job", ["backup"])]],
        time_filters=[
            {"start": "01:00", "end": "03:00", "repeat": [0, 6]},
            {"start": "04:00", "end": "05:00"},
        ],
    )
    fake.call("/channel/silence/rule/disable", {"channel_id": CHECKOUT, "rule_id": sid})
    sil(
        OPS_B,
        "Calendar",
        filters=[[cond("severity", ["Info"])]],
        time_filters=[{"start": "00:00", "end": "23:59", "cal_id": "cal-3", "is_off": True}],
    )
    fake.call(
        "/route/upsert",
        {
            "integration_id": SHARED_INTEGRATION,
            "cases": [
                {
                    "if": [cond("severity", ["Critical"]), cond("labels.svc", ["pay-*"])],
                    "channel_ids": [CHECKOUT, PAYMENTS],
                    "fallthrough": True,
                },
                {
                    "if": [cond("labels.team", ["*"])],
                    "channel_ids": [],
                    "fallthrough": False,
                    "routing_mode": "name_mapping",
                    "name_mapping_label": "labels.team",
                },
                {
                    "if": [cond("labels.x", ["y"], "NOTIN")],
                    "channel_ids": [OPS_A, BIG_CHANNEL],
                    "fallthrough": False,
                },
            ],
            "sections": [{"name": "First", "position": 0}, {"name": "Rest", "position": 1}],
            "default": {"channel_ids": [PAYMENTS]},
        },
    )
    fake.calls.clear()
    return fake
