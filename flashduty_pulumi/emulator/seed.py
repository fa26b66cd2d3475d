"""Demo data the emulator starts with (and returns to on reset).

IDs are fixed so documentation and tests can rely on them, but examples should look things up by
name/email through the API (as they must against the real service). Integer IDs are realistic
13-digit int64 values; one member's ID is above 2**53 so that clients prove they keep int64 exact
(a float64 round-trip turns 9007199254740993 into ...992).

| what                | name / email                               | ID                         |
|---------------------|--------------------------------------------|----------------------------|
| account             | Emulator Demo                              | 2718281828131              |
| member (key owner)  | Alice Chen, alice@example.com              | 3141592653131              |
| member              | Bob Martin, bob@example.com                | 3141592654131              |
| member              | Carol Diaz, carol@example.com              | 3141592655131              |
| member (int64 test) | Dana Exact, dana@example.com               | 9007199254740993 (2**53+1) |
| team                | SRE (Alice, Bob, Carol)                    | 4162536475131              |
| channel             | Payments (team SRE)                        | 5201314520131              |
| channel             | Checkout (team SRE)                        | 5201314521131              |
| shared integration  | Alertmanager (shared)                      | 6022140857131              |
| dedicated integr.   | Payments Webhook (dedicated to Payments)   | 6022140858131              |
| template (preset)   | Flashduty Preset (template/info only)      | 000000000000000000000001   |
| template (custom)   | SRE Compact                                | 66f1e2d3c4b5a69788990011   |

The shared integration is the one routing rules are written for. The API has no endpoint that
lists integrations; GET /__emulator/state shows them.
"""

from __future__ import annotations

from typing import Any

from flashduty_pulumi.emulator.store import COLLECTIONS, State

ACCOUNT_ID = 2718281828131
ACCOUNT_NAME = "Emulator Demo"
ALICE_ID = 3141592653131
BOB_ID = 3141592654131
CAROL_ID = 3141592655131
BIG_MEMBER_ID = 2**53 + 1  # 9007199254740993: not representable as a float64
MEMBER_IDS = {
    "alice@example.com": ALICE_ID,
    "bob@example.com": BOB_ID,
    "carol@example.com": CAROL_ID,
    "dana@example.com": BIG_MEMBER_ID,
}
TEAM_SRE_ID = 4162536475131
CHANNEL_PAYMENTS_ID = 5201314520131
CHANNEL_CHECKOUT_ID = 5201314521131
CHANNEL_IDS = {"Payments": CHANNEL_PAYMENTS_ID, "Checkout": CHANNEL_CHECKOUT_ID}
SHARED_INTEGRATION_ID = 6022140857131
SHARED_INTEGRATION_NAME = "Alertmanager (shared)"
DEDICATED_INTEGRATION_ID = 6022140858131
PRESET_TEMPLATE_ID = "000000000000000000000001"
CUSTOM_TEMPLATE_ID = "66f1e2d3c4b5a69788990011"
CUSTOM_TEMPLATE_NAME = "SRE Compact"
OWNER_ID = ALICE_ID  # the user the emulator's app keys act as

_T0 = 1767225600  # 2026-01-01T00:00:00Z: fixed so seeded timestamps are reproducible


def _member(member_id: int, name: str, email: str, phone: str, roles: list[int], age: int) -> dict[str, Any]:
    return {
        "account_id": ACCOUNT_ID,
        "member_id": member_id,
        "member_name": name,
        "country_code": "+1",
        "phone": phone,
        "email": email,
        "locale": "en-US",
        "time_zone": "UTC",
        "phone_verified": True,
        "email_verified": True,
        "avatar": "",
        "status": "enabled",
        "account_role_ids": roles,
        "created_at": _T0 + age,
        "updated_at": _T0 + age,
        "ref_id": "",
        "is_external": False,
    }


def _channel(channel_id: int, name: str, description: str, age: int) -> dict[str, Any]:
    return {
        "channel_id": channel_id,
        "team_id": TEAM_SRE_ID,
        "managing_team_ids": [TEAM_SRE_ID],
        "creator_id": ALICE_ID,
        "account_id": ACCOUNT_ID,
        "channel_name": name,
        "description": description,
        "status": "enabled",
        "created_at": _T0 + age,
        "updated_at": _T0 + age,
        "auto_resolve_timeout": 0,
        "auto_resolve_mode": "trigger",
        "is_private": False,
        "disable_outlier_detection": False,
        "disable_auto_close": False,
        "is_external_report_enabled": False,
    }


_TEMPLATE_CHANNELS = (
    "email",
    "sms",
    "voice",
    "dingtalk",
    "wecom",
    "feishu",
    "feishu_app",
    "dingtalk_app",
    "wecom_app",
    "slack_app",
    "teams_app",
    "telegram",
    "slack",
    "zoom",
)


def template(
    template_id: str, name: str, description: str, team_id: int, sources: dict[str, str]
) -> dict[str, Any]:
    """A TemplateItem; channels without a custom source are "" as the spec describes."""
    return {
        "account_id": ACCOUNT_ID,
        "team_id": team_id,
        "template_id": template_id,
        "template_name": name,
        "description": description,
        **{c: sources.get(c, "") for c in _TEMPLATE_CHANNELS},
        "status": "enabled",
        "creator_id": ALICE_ID,
        "updated_by": ALICE_ID,
        "created_at": _T0,
        "updated_at": _T0,
    }


# The built-in preset is not stored: template/info synthesises it, template/list omits it.
PRESET_TEMPLATE = template(
    PRESET_TEMPLATE_ID,
    "Flashduty Preset",
    "Built-in notification template.",
    0,
    {"email": "[{{ .Severity }}] {{ .Title }}", "sms": "[Flashduty] {{ .Title }}", "voice": "{{ .Title }}"},
)


def seed_state() -> State:
    """A fresh copy of the demo state."""
    state: State = {name: {} for name in COLLECTIONS}
    state.update(
        format=1, seq=0, owner_id=OWNER_ID, account={"account_id": ACCOUNT_ID, "account_name": ACCOUNT_NAME}
    )
    members = [
        _member(ALICE_ID, "Alice Chen", "alice@example.com", "555****0101", [1], 0),
        _member(BOB_ID, "Bob Martin", "bob@example.com", "555****0102", [2], 60),
        _member(CAROL_ID, "Carol Diaz", "carol@example.com", "555****0103", [2], 120),
        _member(BIG_MEMBER_ID, "Dana Exact", "dana@example.com", "555****0104", [2], 180),
    ]
    state["members"] = {str(m["member_id"]): m for m in members}
    state["teams"][str(TEAM_SRE_ID)] = {
        "account_id": ACCOUNT_ID,
        "team_id": TEAM_SRE_ID,
        "team_name": "SRE",
        "description": "Site reliability engineering",
        "status": "enabled",
        "updated_by_name": "Alice Chen",
        "updated_by": ALICE_ID,
        "creator_id": ALICE_ID,
        "creator_name": "Alice Chen",
        "created_at": _T0 + 300,
        "updated_at": _T0 + 300,
        "person_ids": [ALICE_ID, BOB_ID, CAROL_ID],
        "ref_id": "",
    }
    for channel in (
        _channel(CHANNEL_PAYMENTS_ID, "Payments", "Card authorisation, settlement and refunds", 600),
        _channel(CHANNEL_CHECKOUT_ID, "Checkout", "Cart, pricing and the checkout web flow", 660),
    ):
        state["channels"][str(channel["channel_id"])] = channel
    state["integrations"] = {
        str(SHARED_INTEGRATION_ID): {
            "integration_id": SHARED_INTEGRATION_ID,
            "integration_name": SHARED_INTEGRATION_NAME,
            "kind": "shared",
        },
        str(DEDICATED_INTEGRATION_ID): {
            "integration_id": DEDICATED_INTEGRATION_ID,
            "integration_name": "Payments Webhook (dedicated)",
            "kind": "dedicated",
            "channel_id": CHANNEL_PAYMENTS_ID,
        },
    }
    state["templates"][CUSTOM_TEMPLATE_ID] = template(
        CUSTOM_TEMPLATE_ID,
        CUSTOM_TEMPLATE_NAME,
        "Short messages for the SRE rota.",
        TEAM_SRE_ID,
        {"email": "{{ .Title }} ({{ .Severity }})", "sms": "{{ .Severity }}: {{ .Title }}"},
    )
    return state


def blank(collection: str) -> dict[str, Any]:
    """Defaults for an entity added through POST /__emulator/seed (its given fields override them)."""
    blanks: dict[str, dict[str, Any]] = {
        "members": _member(0, "", "", "", [2], 0),
        "teams": {**seed_state()["teams"][str(TEAM_SRE_ID)], "person_ids": [], "description": ""},
        "channels": {**_channel(0, "", "", 0), "managing_team_ids": []},
        "integrations": {"kind": "shared"},
        "templates": template("", "", "", 0, {}),
    }
    return blanks[collection]
