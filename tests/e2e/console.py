"""The Flashduty "console" for end-to-end tests: direct API calls to the emulator, outside Pulumi.

Independent of the package's own client on purpose: this is the oracle the provider is checked
against (what a person clicking in the console, or another tool, would see and do). Plain httpx,
the documented envelope, nothing else. Like a person, it waits out a 429 (as long as Retry-After
says): the run just before may have used this second's requests, and the oracle must not fail for that.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

RATE_LIMIT_PATIENCE = 30.0  # seconds of 429s the console waits out before it reports one

# The write endpoints of the rule families we manage (any other write is a bug in itself).
RULE_WRITES = (
    "/route/upsert",
    "/channel/escalate/rule/create",
    "/channel/escalate/rule/update",
    "/channel/escalate/rule/delete",
    "/channel/escalate/rule/enable",
    "/channel/escalate/rule/disable",
    "/channel/silence/rule/create",
    "/channel/silence/rule/update",
    "/channel/silence/rule/delete",
    "/channel/silence/rule/enable",
    "/channel/silence/rule/disable",
)


class ApiError(Exception):
    def __init__(self, path: str, code: str, message: str) -> None:
        super().__init__(f"{path}: {code}: {message}")
        self.code = code


class Console:
    def __init__(self, base_url: str, app_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_key = app_key
        self._http = httpx.Client(timeout=10)

    def call(self, path: str, body: dict[str, Any]) -> Any:
        deadline = time.monotonic() + RATE_LIMIT_PATIENCE
        while True:
            resp = self._http.post(f"{self.base_url}{path}", params={"app_key": self.app_key}, json=body)
            env = resp.json()
            err = env.get("error")
            if resp.status_code != 429 or time.monotonic() > deadline:
                break
            time.sleep(float(resp.headers.get("Retry-After", "1")))
        if err and err.get("code") not in ("", "0", "OK"):
            raise ApiError(path, err.get("code", ""), err.get("message", ""))
        return env.get("data")

    def close(self) -> None:
        self._http.close()

    # -- look-ups ------------------------------------------------------------------------------
    def channel_id(self, name: str) -> int:
        items = self.call("/channel/list", {"channel_name": name, "limit": 100})["items"]
        matches = [c["channel_id"] for c in items if c["channel_name"] == name]
        assert len(matches) == 1, f"channel {name!r}: {matches}"
        return int(matches[0])

    def channels(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            data = self.call("/channel/list", {"p": page, "limit": 100})
            out += data["items"]
            if not data.get("has_next_page"):
                return out
            page += 1

    # -- rules -----------------------------------------------------------------------------------
    def escalation_rules(self, channel_id: int) -> list[dict[str, Any]]:
        return list(self.call("/channel/escalate/rule/list", {"channel_id": channel_id})["items"])

    def silence_rules(self, channel_id: int) -> list[dict[str, Any]]:
        return list(self.call("/channel/silence/rule/list", {"channel_id": channel_id})["items"])

    def all_rules(self) -> dict[str, dict[str, Any]]:
        """Every escalation and silence rule in the account, by rule_id."""
        out: dict[str, dict[str, Any]] = {}
        for ch in self.channels():
            for kind, items in (
                ("escalation", self.escalation_rules(ch["channel_id"])),
                ("silence", self.silence_rules(ch["channel_id"])),
            ):
                for item in items:
                    out[item["rule_id"]] = {**item, "kind": kind}
        return out

    def route(self, integration_id: int) -> dict[str, Any] | None:
        data = self.call("/route/info", {"integration_id": integration_id})
        return dict(data) if data else None

    # -- out-of-band edits (a person in the console) ------------------------------------------------
    def rename_escalation_rule(self, channel_id: int, rule_id: str, new_name: str) -> None:
        """Read-modify-write: the update endpoint replaces the whole rule."""
        item = self.call("/channel/escalate/rule/info", {"channel_id": channel_id, "rule_id": rule_id})
        body = {
            k: item[k]
            for k in (
                "channel_id",
                "rule_id",
                "template_id",
                "layers",
                "priority",
                "aggr_window",
                "description",
                "time_filters",
                "filters",
            )
            if item.get(k) is not None
        }
        body["rule_name"] = new_name
        self.call("/channel/escalate/rule/update", _without_nulls(body))

    def delete_silence_rule(self, channel_id: int, rule_id: str) -> None:
        self.call("/channel/silence/rule/disable", {"channel_id": channel_id, "rule_id": rule_id})
        self.call("/channel/silence/rule/delete", {"channel_id": channel_id, "rule_id": rule_id})

    def create_escalation_rule(self, body: dict[str, Any]) -> str:
        return str(self.call("/channel/escalate/rule/create", body)["rule_id"])

    def create_silence_rule(self, body: dict[str, Any]) -> str:
        return str(self.call("/channel/silence/rule/create", body)["rule_id"])


def _without_nulls(value: Any) -> Any:
    """Reads carry `"webhooks": null` and the like; writes must leave such fields out."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def write_counts(emulator: EmulatorProcess, since: int = 0, *, applied_only: bool = False) -> Counter[str]:
    """How many times each write endpoint was called (after request-log seq `since`): every
    attempt, or with `applied_only` just those the emulator accepted."""
    return Counter(
        e["path"]
        for e in emulator.requests(since)
        if e["write"] and (not applied_only or (e["status"] == 200 and not e["error_code"]))
    )


def last_seq(emulator: EmulatorProcess) -> int:
    entries = emulator.requests()
    return int(entries[-1]["seq"]) if entries else 0


# The seeded account (emulator/seed.py): the names a program uses, and IDs to check results with.
PAYMENTS = "Payments"
CHECKOUT = "Checkout"
PAYMENTS_ID = seed.CHANNEL_PAYMENTS_ID
CHECKOUT_ID = seed.CHANNEL_CHECKOUT_ID
SHARED_INTEGRATION_ID = seed.SHARED_INTEGRATION_ID
TEMPLATE = seed.CUSTOM_TEMPLATE_NAME
TEAM = "SRE"
