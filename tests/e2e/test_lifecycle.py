"""One stack's life, step by step, with the real CLI against the emulator.

The steps share one stack and one emulator state (module scope), because each needs the state the
previous one left: up -> converged -> secrets -> drift (edit, delete) -> edits (rename, move) ->
destroy. Each step is its own test so a failure names the claim that broke; with `-x` a failure
stops the story there.

The program is the generic one (programs/generic): the rule set is JSON, so the steps edit data,
not code. Every check of the result goes through the emulator's API (what the console would
show) and its request log (what was written), never through Pulumi's own view alone.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console import (
    CHECKOUT,
    CHECKOUT_ID,
    PAYMENTS,
    PAYMENTS_ID,
    SHARED_INTEGRATION_ID,
    TEAM,
    TEMPLATE,
    Console,
    last_seq,
    write_counts,
)
from pulumi_cli import Stack

from flashduty_pulumi.emulator.testing import EmulatorProcess

BOT_TOKEN = "https://open.feishu.example/hook/e2e-bot-token-8f14e45f"

ROUTE: dict[str, Any] = {
    "kind": "RoutingRule",
    "name": "route",
    "args": {
        "integration_id": str(SHARED_INTEGRATION_ID),
        "cases": [
            {
                "if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}],
                "channel_ids": [{"lookup_channel": PAYMENTS}],
            },
            {
                "if": [{"key": "labels.service", "oper": "IN", "vals": ["checkout-*"]}],
                "channel_ids": [{"lookup_channel": CHECKOUT}],
                "fallthrough": True,
            },
        ],
        "default": {"channel_ids": [{"lookup_channel": PAYMENTS}]},
        "delete_behavior": "reset",
    },
}
ONCALL: dict[str, Any] = {
    "kind": "EscalationRule",
    "name": "oncall",
    "args": {
        "channel_id": {"lookup_channel": PAYMENTS},
        "rule_name": "Business hours",
        "template_id": {"lookup_template": TEMPLATE},
        "time_filters": [{"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]}],
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Critical", "Warning"]}]],
        "layers": [
            {"target": {"team_ids": [{"lookup_team": TEAM}], "by": {"follow_preference": True}}},
            {
                "target": {
                    # Dana's member ID is 2**53 + 1: a float64 cannot hold it, it must arrive exactly.
                    "person_ids": [
                        {"lookup_member": "bob@example.com"},
                        {"lookup_member": "dana@example.com"},
                    ],
                    "by": {"critical": ["voice"]},
                },
                "escalate_window": 15,
            },
        ],
    },
}
CHATOPS: dict[str, Any] = {
    "kind": "EscalationRule",
    "name": "chatops",
    "args": {
        "channel_id": {"lookup_channel": PAYMENTS},
        "rule_name": "ChatOps",
        "template_id": "000000000000000000000001",
        "priority": 20,
        "layers": [
            {
                "target": {
                    "person_ids": [{"lookup_member": "alice@example.com"}],
                    "webhooks": [
                        {
                            "type": "feishu",
                            "settings": {"token": {"config_secret": "botToken"}, "alias": "ops"},
                        }
                    ],
                }
            }
        ],
    },
}
MAINTENANCE: dict[str, Any] = {
    "kind": "SilenceRule",
    "name": "maintenance",
    "args": {
        "channel_id": {"lookup_channel": PAYMENTS},
        "rule_name": "DB maintenance",
        "time_filter": {"start_time": 1930000000, "end_time": 1930014400},
        "filters": [[{"key": "labels.service", "oper": "IN", "vals": ["payments-db"]}]],
    },
}
NIGHTLY: dict[str, Any] = {
    "kind": "SilenceRule",
    "name": "nightly",
    "args": {
        "channel_id": {"lookup_channel": PAYMENTS},
        "rule_name": "Nightly backup",
        "time_filters": [{"start": "01:00", "end": "03:00"}],
        "filters": [[{"key": "title", "oper": "IN", "vals": ["*backup*"]}]],
        "is_directly_discard": True,
    },
}
RULES = [ROUTE, ONCALL, CHATOPS, MAINTENANCE, NIGHTLY]
RULE_NAMES = ["oncall", "chatops", "maintenance", "nightly"]


class Story:
    """What the steps share: the stack, the emulator and the IDs seen so far."""

    def __init__(self, stack: Stack, emulator: EmulatorProcess, console: Console) -> None:
        self.stack = stack
        self.emulator = emulator
        self.console = console
        self.rules = copy.deepcopy(RULES)
        self.ids: dict[str, str] = {}

    def declare(self) -> None:
        self.stack.declare(*self.rules)

    def rule(self, name: str) -> dict[str, Any]:
        return next(r for r in self.rules if r["name"] == name)


@pytest.fixture(scope="module")
def story(
    emulator: EmulatorProcess, console: Console, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Story]:
    emulator.reset()
    stack = Stack.generic(Path(tmp_path_factory.mktemp("lifecycle")), emulator.base_url, emulator.app_key)
    stack.set_config("botToken", BOT_TOKEN, secret=True)
    s = Story(stack, emulator, console)
    s.declare()
    yield s
    stack.destroy(check=False)


def test_up_creates_exactly_the_declared_rules(story: Story) -> None:
    before = story.console.all_rules()
    seq = last_seq(story.emulator)
    result = story.stack.up()
    assert result.changed() == {name: ["create"] for name in ["route", *RULE_NAMES]}, str(result)

    outputs = story.stack.outputs()
    story.ids = {name: outputs[name] for name in RULE_NAMES}
    assert outputs["route"] == str(SHARED_INTEGRATION_ID)

    # The account now holds exactly the declared rules, where they were declared.
    created = {rid: r for rid, r in story.console.all_rules().items() if rid not in before}
    assert set(created) == set(story.ids.values())
    by_name = {r["rule_name"]: r for r in created.values()}
    assert set(by_name) == {"Business hours", "ChatOps", "DB maintenance", "Nightly backup"}
    assert all(r["channel_id"] == PAYMENTS_ID for r in created.values())
    assert {r["kind"] for r in created.values() if r["rule_name"] in ("Business hours", "ChatOps")} == {
        "escalation"
    }

    oncall = by_name["Business hours"]
    assert oncall["time_filters"][0]["start"] == "09:00" and oncall["time_filters"][0]["repeat"] == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert oncall["filters"] == [[{"key": "severity", "oper": "IN", "vals": ["Critical", "Warning"]}]]
    assert oncall["layers"][0]["target"]["team_ids"] == [4162536475131]
    assert sorted(oncall["layers"][1]["target"]["person_ids"]) == [3141592654131, 2**53 + 1]
    assert oncall["layers"][1]["escalate_window"] == 15
    assert by_name["ChatOps"]["layers"][0]["target"]["webhooks"][0]["settings"]["token"] == BOT_TOKEN
    assert by_name["DB maintenance"]["time_filter"] == {"start_time": 1930000000, "end_time": 1930014400}
    assert by_name["Nightly backup"]["is_directly_discard"] is True

    route = story.console.route(SHARED_INTEGRATION_ID)
    assert route is not None
    assert [c["channel_ids"] for c in route["cases"]] == [[PAYMENTS_ID], [CHECKOUT_ID]]
    assert route["cases"][1]["fallthrough"] is True
    assert route["default"]["channel_ids"] == [PAYMENTS_ID]

    # ... and nothing else was written: one write per declared object.
    assert write_counts(story.emulator, seq) == {
        "/route/upsert": 1,
        "/channel/escalate/rule/create": 2,
        "/channel/silence/rule/create": 2,
    }


def test_preview_and_refresh_after_up_show_no_changes(story: Story) -> None:
    seq = last_seq(story.emulator)
    story.stack.assert_converged()
    assert write_counts(story.emulator, seq) == {}, "preview/refresh must never write"


def test_app_key_and_tokens_stay_out_of_state_output_and_logs(story: Story) -> None:
    stack = story.stack
    # Verbose engine logs to stderr, flowed to the plugins, and the --debug diagnostics: the
    # harness fails the command if the app key shows up in its output.
    stack.run("preview", "--stack", stack.name, "--logtostderr", "--logflow", "-v=8")
    stack.run("refresh", "--yes", "--skip-preview", "--stack", stack.name, "--debug")
    # A run that logs to files (under TMPDIR, which the scan below covers).
    stack.run("preview", "--stack", stack.name, "-v=8", "--logflow")
    # On disk: state (and its backups/history), PULUMI_HOME, TMPDIR, the stack's config file.
    stack.assert_no_secret_anywhere()
    # The bot token is a secret input: encrypted in config and in state, never in plain text.
    assert BOT_TOKEN not in stack.state_text()
    assert BOT_TOKEN not in (stack.program / f"Pulumi.{stack.name}.yaml").read_text()
    # The emulator's own request log never holds the key either.
    assert story.emulator.app_key not in str(story.emulator.requests())


def test_even_at_v10_no_log_line_holds_the_app_key(story: Story) -> None:
    """The most verbose engine level, to stderr and flowed from the plugins: the harness fails the
    command if the app key shows up anywhere in its output. (CLIs before about v3.26x logged the
    decrypted stack config handed to the provider's Configure from -v=9; the CLI we build no longer
    does.)"""
    story.stack.run("preview", "--stack", story.stack.name, "--logtostderr", "--logflow", "-v=10")
    story.stack.assert_no_secret_anywhere()


def test_console_edits_are_found_by_refresh_and_reverted_by_up(story: Story) -> None:
    # Three people in the console: one renames a rule, one disables another, one rewrites the route.
    console = story.console
    rule_id = story.ids["oncall"]
    console.rename_escalation_rule(PAYMENTS_ID, rule_id, "Edited in the console")
    console.call(
        "/channel/escalate/rule/disable", {"channel_id": PAYMENTS_ID, "rule_id": story.ids["chatops"]}
    )
    route = console.route(SHARED_INTEGRATION_ID)
    assert route is not None
    console.call(
        "/route/upsert",
        {
            "integration_id": SHARED_INTEGRATION_ID,
            "default": {"channel_ids": [CHECKOUT_ID]},
            "version": route["version"],
        },
    )

    refreshed = story.stack.refresh()
    assert refreshed.summary()["update"] == 3, str(refreshed)
    preview = story.stack.preview()
    assert preview.changed() == {"oncall": ["update"], "chatops": ["update"], "route": ["update"]}, str(
        preview
    )

    seq = last_seq(story.emulator)
    result = story.stack.up()
    assert result.changed() == {"oncall": ["update"], "chatops": ["update"], "route": ["update"]}, str(result)
    assert write_counts(story.emulator, seq) == {
        "/channel/escalate/rule/update": 1,
        "/channel/escalate/rule/enable": 1,
        "/route/upsert": 1,
    }
    live = {r["rule_id"]: r for r in console.escalation_rules(PAYMENTS_ID)}
    assert live[rule_id]["rule_name"] == "Business hours"
    assert live[story.ids["chatops"]]["status"] == "enabled"
    route = console.route(SHARED_INTEGRATION_ID)
    assert route is not None and [c["channel_ids"] for c in route["cases"]] == [[PAYMENTS_ID], [CHECKOUT_ID]]
    story.stack.preview("--expect-no-changes")


def test_a_route_edited_in_the_console_is_never_overwritten_blindly(story: Story) -> None:
    """The route is versioned: an `up` that has not seen the console's edit is refused, and
    nothing is written; `up --refresh` reads the edit first and then applies the program."""
    route = story.console.route(SHARED_INTEGRATION_ID)
    assert route is not None
    edited = {"integration_id": SHARED_INTEGRATION_ID, "default": {"channel_ids": [CHECKOUT_ID]}}
    story.console.call("/route/upsert", {**edited, "version": route["version"]})
    story.rule("route")["args"]["cases"][1]["fallthrough"] = False
    story.declare()

    seq = last_seq(story.emulator)
    refused = story.stack.up(check=False)
    assert refused.returncode != 0, str(refused)
    assert "refresh" in "\n".join(refused.diagnostics("error")), str(refused)
    # One upsert carrying the version this stack last saw, refused by the server: nothing applied.
    assert write_counts(story.emulator, seq) == {"/route/upsert": 1}
    assert write_counts(story.emulator, seq, applied_only=True) == {}
    seq = last_seq(story.emulator)

    result = story.stack.up("--refresh")
    assert result.returncode == 0
    assert write_counts(story.emulator, seq) == {"/route/upsert": 1}
    route = story.console.route(SHARED_INTEGRATION_ID)
    assert route is not None and [c["fallthrough"] for c in route["cases"]] == [False, False]
    story.stack.assert_converged()


def test_rule_deleted_out_of_band_is_dropped_by_refresh_and_recreated_by_up(story: Story) -> None:
    old_id = story.ids["maintenance"]
    story.console.delete_silence_rule(PAYMENTS_ID, old_id)

    refreshed = story.stack.refresh()
    assert refreshed.summary()["delete"] == 1, str(refreshed)
    assert "maintenance" not in {
        r["urn"].rsplit("::", 1)[-1] for r in story.stack.resources(kind="SilenceRule")
    }

    result = story.stack.up()
    assert result.changed() == {"maintenance": ["create"]}, str(result)
    new_id = story.stack.outputs()["maintenance"]
    assert new_id != old_id
    live = {r["rule_id"]: r for r in story.console.silence_rules(PAYMENTS_ID)}
    assert new_id in live and old_id not in live
    assert live[new_id]["rule_name"] == "DB maintenance"
    story.ids["maintenance"] = new_id
    story.stack.preview("--expect-no-changes")


def test_rule_name_edit_updates_in_place(story: Story) -> None:
    story.rule("oncall")["args"]["rule_name"] = "Office hours"
    story.declare()
    preview = story.stack.preview()
    assert preview.changed() == {"oncall": ["update"]}, str(preview)

    seq = last_seq(story.emulator)
    result = story.stack.up()
    assert result.changed() == {"oncall": ["update"]}, str(result)
    assert story.stack.outputs()["oncall"] == story.ids["oncall"], "a rename must keep the rule_id"
    assert write_counts(story.emulator, seq) == {"/channel/escalate/rule/update": 1}
    names = {r["rule_id"]: r["rule_name"] for r in story.console.escalation_rules(PAYMENTS_ID)}
    assert names[story.ids["oncall"]] == "Office hours"


def test_channel_change_replaces_the_rule(story: Story) -> None:
    old_id = story.ids["nightly"]
    story.rule("nightly")["args"]["channel_id"] = {"lookup_channel": CHECKOUT}
    story.declare()

    seq = last_seq(story.emulator)
    result = story.stack.up()
    ops = result.changed()
    assert list(ops) == ["nightly"] and "replace" in ops["nightly"], str(result)
    new_id = story.stack.outputs()["nightly"]
    assert new_id != old_id
    assert new_id in {r["rule_id"] for r in story.console.silence_rules(CHECKOUT_ID)}
    assert old_id not in {r["rule_id"] for r in story.console.silence_rules(PAYMENTS_ID)}
    writes = write_counts(story.emulator, seq)
    assert writes["/channel/silence/rule/create"] == 1 and writes["/channel/silence/rule/delete"] == 1, writes
    story.ids["nightly"] = new_id
    story.stack.preview("--expect-no-changes")


def test_destroy_leaves_none_of_our_rules(story: Story) -> None:
    result = story.stack.destroy()
    assert set(result.changed()) == {"route", *RULE_NAMES}, str(result)
    live = story.console.all_rules()
    assert not set(story.ids.values()) & set(live), "destroy left rules behind"
    assert live == {}, "the seeded account has no rules of its own, so none may remain"
    # delete_behavior="reset": the route that cannot be deleted now sends everything to the default.
    route = story.console.route(SHARED_INTEGRATION_ID)
    assert route is not None
    assert not route.get("cases") and route["default"]["channel_ids"] == [PAYMENTS_ID]
    assert story.stack.resources(kind="EscalationRule") == []
