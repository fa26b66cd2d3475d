"""Shared pieces of the reliability suite (test_faults*.py, test_abuse*.py, test_secrets*.py).

- ``fifty_rules()``: the 50-rule stack every fault scenario applies (30 escalation rules, 20 silence
  rules, one route), declared through the generic program. Webhook tokens come from secret stack
  config, so the program directory never holds them in plaintext and the leak scans can include it.
- ``Converged``: the end state every scenario must reach: each declared rule exists exactly once in
  the emulator, the state holds exactly those rules with the emulator's content (a refresh changes
  nothing), a second ``up`` is a no-op that writes nothing, and ``preview --expect-no-changes``
  passes.
- ``UpProcess``: an ``up`` running in the background, and the process tree under it (to SIGKILL the
  dynamic provider, or the CLI itself, in the middle).
- ``Matrix``: the scenario table (scenario, outcome, what the emulator saw), printed after each
  module and appended to $FLASHDUTY_FAULT_MATRIX (JSON lines) when that is set.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from console import CHECKOUT_ID, PAYMENTS_ID, SHARED_INTEGRATION_ID, Console
from pulumi_cli import Result, Stack
from support.processes import command_line, descendants, kill_tree

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

CHANNELS = (PAYMENTS_ID, CHECKOUT_ID)
DANA = seed.BIG_MEMBER_ID  # 2**53 + 1: must stay exact through the engine
PRESET = seed.PRESET_TEMPLATE_ID
# 39 characters, the limit (the server counts characters, not bytes).
UNICODE_NAME = "值班升级 🚨 Zahlungsausfall — escalade nº 01"
assert len(UNICODE_NAME) == 39, len(UNICODE_NAME)


def token(i: int) -> str:
    return f"https://open.feishu.example/hook/fault-token-{i:02d}-5b8e0c"


TOKENS = [token(i) for i in range(0, 30, 5)]


def fifty_rules(stack: Stack) -> dict[tuple[str, int, str], dict[str, Any]]:
    """Declare the 50 rules (and the route) on ``stack``; return them by (kind, channel, name)."""
    entries: list[dict[str, Any]] = []
    expected: dict[tuple[str, int, str], dict[str, Any]] = {}
    day = 24 * 3600
    window_start = (int(time.time()) // day + 30) * day  # a month ahead: never in the past
    for i in range(30):
        channel = CHANNELS[i % 2]
        name = UNICODE_NAME if i == 1 else f"Fault escalation {i:02d}"
        layers: list[dict[str, Any]] = [
            {
                "target": {
                    "person_ids": [seed.ALICE_ID, DANA],
                    "by": {"critical": ["voice"], "warning": ["sms"]},
                },
                "escalate_window": 10 + i,
            }
        ]
        if i % 5 == 0:
            hook = {
                "type": "feishu",
                "settings": {"token": {"config_secret": f"hook{i}"}, "alias": f"ops {i}"},
            }
            layers.append({"target": {"team_ids": [seed.TEAM_SRE_ID], "webhooks": [hook]}})
        args: dict[str, Any] = {
            # Half the channels through the look-up, so the program's own client meets the faults too.
            "channel_id": {"lookup_channel": "Payments"}
            if channel == PAYMENTS_ID and i % 4 == 0
            else channel,
            "rule_name": name,
            "template_id": PRESET,
            "layers": layers,
            "priority": i,
            "filters": [[{"key": "labels.service", "oper": "IN", "vals": [f"svc-{i}"]}]],
            "time_filters": [{"start": "08:00", "end": "20:00", "repeat": [1, 2, 3, 4, 5]}],
        }
        entries.append({"kind": "EscalationRule", "name": f"esc{i:02d}", "args": args})
        expected[("escalation", channel, name)] = args
    for i in range(20):
        channel = CHANNELS[i % 2]
        name = f"Fault silence {i:02d}"
        args = {
            "channel_id": channel,
            "rule_name": name,
            "filters": [[{"key": "labels.env", "oper": "IN", "vals": [f"env-{i}"]}]],
            "description": f"fault matrix {i}",
        }
        if i % 2:
            args["time_filter"] = {
                "start_time": window_start + i * 3600,
                "end_time": window_start + (i + 2) * 3600,
            }
        else:
            args["time_filters"] = [{"start": "01:00", "end": "03:00", "repeat": [0, 6]}]
        entries.append({"kind": "SilenceRule", "name": f"sil{i:02d}", "args": args})
        expected[("silence", channel, name)] = args
    entries.append(
        {
            "kind": "RoutingRule",
            "name": "route",
            "args": {
                "integration_id": SHARED_INTEGRATION_ID,
                "cases": [
                    {
                        "if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}],
                        "channel_ids": [PAYMENTS_ID],
                    },
                    {
                        "if": [{"key": "labels.team", "oper": "IN", "vals": ["checkout"]}],
                        "channel_ids": [CHECKOUT_ID],
                    },
                ],
                "default": {"channel_ids": [PAYMENTS_ID]},
            },
        }
    )
    # One CLI call for the six tokens (a set each would cost a second apiece, per scenario).
    secrets = [f"--secret=hook{i}={token(i)}" for i in range(0, 30, 5)]
    stack.run("config", "set-all", "--stack", stack.name, *secrets)
    stack.declare(*entries)
    return expected


# ---------------------------------------------------------------------------------- the end state


@dataclass
class Converged:
    """Checks of the end state, against the emulator (the console's view) and the stack."""

    stack: Stack
    emu: EmulatorProcess
    console: Console
    expected: dict[tuple[str, int, str], dict[str, Any]]
    secrets: tuple[str, ...] = tuple(TOKENS)

    def live(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for channel in CHANNELS:
            for item in self.console.escalation_rules(channel):
                out[item["rule_id"]] = {**item, "kind": "escalation"}
            for item in self.console.silence_rules(channel):
                out[item["rule_id"]] = {**item, "kind": "silence"}
        return out

    def exactly_once(self) -> dict[str, dict[str, Any]]:
        """Every declared rule exists exactly once, and nothing else does; returns the live rules."""
        live = self.live()
        counts = Counter((r["kind"], r["channel_id"], r["rule_name"]) for r in live.values())
        duplicated = {k: n for k, n in counts.items() if n > 1}
        missing = set(self.expected) - set(counts)
        extra = set(counts) - set(self.expected)
        assert not duplicated, f"duplicated rules: {duplicated}"
        assert not missing, f"declared but missing: {sorted(missing)}"
        assert not extra, f"rules nobody declared: {sorted(extra)}"
        by_key = {(r["kind"], r["channel_id"], r["rule_name"]): r for r in live.values()}
        dana = by_key[("escalation", PAYMENTS_ID, "Fault escalation 00")]["layers"][0]["target"]["person_ids"]
        assert DANA in dana, f"the 2**53+1 member ID was not stored exactly: {dana}"
        return live

    def state_matches(self, live: dict[str, dict[str, Any]]) -> None:
        """The state holds exactly the live rules (IDs, channels, names) and the route."""
        resources = self.stack.resources()
        rules = {
            r["id"]: r
            for r in resources
            if r.get("type", "").endswith((":EscalationRule", ":SilenceRule")) and r.get("id")
        }
        assert set(rules) == set(live), (
            f"state and emulator disagree: only in state {sorted(set(rules) - set(live))}, "
            f"only in the emulator {sorted(set(live) - set(rules))}"
        )
        for rule_id, res in rules.items():
            outs = res.get("outputs", {})
            assert outs.get("rule_name") == live[rule_id]["rule_name"], rule_id
            assert int(outs.get("channel_id")) == live[rule_id]["channel_id"], rule_id
        routes = [r for r in resources if r.get("type", "").endswith(":RoutingRule")]
        assert [r["id"] for r in routes] == [str(SHARED_INTEGRATION_ID)]
        route = self.console.route(SHARED_INTEGRATION_ID)
        assert route is not None and [c["channel_ids"] for c in route["cases"]] == [
            [PAYMENTS_ID],
            [CHECKOUT_ID],
        ]

    def check(self) -> dict[str, Any]:
        """All of it: exactly once, state = emulator, refresh and a second up change nothing,
        preview --expect-no-changes. Returns facts for the matrix."""
        live = self.exactly_once()
        self.state_matches(live)
        self.scan(self.stack.refresh("--expect-no-changes"))
        seq = last(self.emu)
        again = self.scan(self.stack.up())
        assert again.changed() == {}, f"the second up was not a no-op: {again.changed()}"
        writes = [e["path"] for e in self.emu.requests(seq) if e["write"]]
        assert writes == [], f"the second up wrote: {writes}"
        self.scan(self.stack.preview("--expect-no-changes"))
        self.stack.assert_no_secret_anywhere(*self.secrets)
        return {"rules": len(live)}

    def scan(self, result: Result) -> Result:
        """Webhook tokens never appear in a command's output (the harness checks the app key)."""
        for secret in self.secrets:
            assert secret not in result.output, (
                f"a webhook token leaked into `pulumi {' '.join(result.args)}`"
            )
        return result


def last(emu: EmulatorProcess) -> int:
    entries = emu.requests()
    return int(entries[-1]["seq"]) if entries else 0


def fault_facts(emu: EmulatorProcess, since: int = 0) -> dict[str, Any]:
    """What the emulator saw: requests, writes, injected faults fired, 429s, and creates."""
    entries = emu.requests(since)
    return {
        "requests": len(entries),
        "writes": sum(1 for e in entries if e["write"]),
        "faults_fired": sum(1 for e in entries if e.get("fault_id") is not None),
        "status_429": sum(1 for e in entries if e["status"] == 429),
        "creates_ok": sum(1 for e in entries if e["path"].endswith("/create") and e["status"] == 200),
    }


# ------------------------------------------------------------------------- up in the background


class UpProcess:
    """``pulumi up`` started in the background, to interrupt it. Its output is drained as it comes
    (a full pipe must never be what stalls the run)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.proc = stack.start("up", "--yes", "--skip-preview")
        self._output: list[str] = []
        self._reader = threading.Thread(target=self._drain, name="up-output", daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._output.append(line)

    def provider_pids(self) -> list[int]:
        """The dynamic provider process (``python -m pulumi.dynamic``) under this up."""
        return [pid for pid in descendants(self.proc.pid) if "pulumi.dynamic" in command_line(pid)]

    def kill_provider(self) -> list[int]:
        victims = self.provider_pids()
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        return victims

    def kill_cli(self) -> None:
        """SIGKILL the CLI and everything under it (a cancelled CI job)."""
        kill_tree(self.proc.pid)

    def wait(self, timeout: float = 180) -> tuple[int, str]:
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)
        text = "".join(self._output)
        assert self.stack.app_key not in text, "the app key leaked into the interrupted up's output"
        return self.proc.returncode, text


# ----------------------------------------------------------------------------------- the matrix


@dataclass
class Matrix:
    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def record(self, scenario: str, outcome: str, seconds: float, **facts: Any) -> None:
        row = {
            "family": self.title,
            "scenario": scenario,
            "outcome": outcome,
            "seconds": round(seconds, 1),
            **facts,
        }
        self.rows.append(row)
        target = os.environ.get("FLASHDUTY_FAULT_MATRIX")
        if target:
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    def render(self) -> str:
        if not self.rows:
            return ""
        keys = [k for k in self.rows[0] if k not in ("family",)]
        for row in self.rows[1:]:
            keys += [k for k in row if k not in keys and k != "family"]
        lines = ["", self.title, " | ".join(keys)]
        for row in self.rows:
            lines.append(" | ".join(str(row.get(k, "")) for k in keys))
        return "\n".join(lines)
