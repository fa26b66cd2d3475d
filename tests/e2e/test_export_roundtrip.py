"""`flashduty-pulumi export` round trip, with the real CLI against the emulator.

The story (module scope, one emulator state, one stack; each step its own test):

1. Seed the account through the API with a varied rule set: every layer, target, delivery,
   webhook, filter and time-window shape the spec allows, plus the naming and look-up corner cases
   (same names across channels and kinds, names with no ASCII, shared names that cannot be looked
   up, IDs from 2**53 on). Each seeded rule lists the shapes it covers; the count is printed.
2. Export with the console script: exit 0, read-only, a valid and lint-clean program with no
   webhook token in any file.
3. `pulumi stack init` in the exported directory, export again with `--secrets-stack` (the webhook
   tokens go straight into the stack's encrypted config): the program is byte-identical.
4. `pulumi up`: every rule adopted (created in Pulumi's state, resource ID = the live rule_id),
   and not one write in the emulator's request log.
5. `pulumi preview --expect-no-changes` and `refresh --expect-no-changes` pass.
6. A description edited in the generated code: `up` updates that rule in place (same rule_id), with
   exactly one write.

Plus the CLI's errors: bad key, unknown channel, unknown integration, unreachable API, an output
directory that already holds a program.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from console import Console, last_seq, write_counts
from pulumi_cli import VENV, Stack

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

EXPORTER = VENV / "bin" / "flashduty-pulumi"

PAYMENTS, CHECKOUT = seed.CHANNEL_PAYMENTS_ID, seed.CHANNEL_CHECKOUT_ID
SEARCH = 5201314522131
OPS_A, OPS_B = 5201314523131, 5201314524131  # two channels called "Ops": no look-up possible
ONCALL_CN = 5201314525131  # "值班": no ASCII in the name
BIG_CHANNEL = 2**53 + 5  # 9007199254740997: must travel as a string
TEAM_PLATFORM = 4162536476131
TEAM_DUP_A, TEAM_DUP_B = 4162536477131, 4162536478131
EVE_NO_EMAIL = 3141592656131
SHARED_A, SHARED_B = 3141592657131, 3141592658131  # the same email twice
DUP_TEMPLATE_A, DUP_TEMPLATE_B = "66f1e2d3c4b5a69788990021", "66f1e2d3c4b5a69788990022"
INTEGRATION_DEFAULT_ONLY = 6022140859131
INTEGRATION_CASES_ONLY = 6022140860131
INTEGRATION_NO_ROUTE = 6022140861131

SEED_ENTITIES: dict[str, list[dict[str, Any]]] = {
    "channels": [
        {"channel_id": SEARCH, "channel_name": "Search", "team_id": seed.TEAM_SRE_ID},
        {"channel_id": OPS_A, "channel_name": "Ops", "team_id": seed.TEAM_SRE_ID},
        {"channel_id": OPS_B, "channel_name": "Ops", "team_id": seed.TEAM_SRE_ID},
        {"channel_id": ONCALL_CN, "channel_name": "值班", "team_id": seed.TEAM_SRE_ID},
        {"channel_id": BIG_CHANNEL, "channel_name": "Big Channel", "team_id": seed.TEAM_SRE_ID},
    ],
    "teams": [
        {"team_id": TEAM_PLATFORM, "team_name": "Platform", "person_ids": [seed.ALICE_ID]},
        {"team_id": TEAM_DUP_A, "team_name": "Twins", "person_ids": [seed.BOB_ID]},
        {"team_id": TEAM_DUP_B, "team_name": "Twins", "person_ids": [seed.CAROL_ID]},
    ],
    "members": [
        {"member_id": EVE_NO_EMAIL, "member_name": "Eve Nomail", "email": ""},
        {"member_id": SHARED_A, "member_name": "Shared One", "email": "shared@example.com"},
        {"member_id": SHARED_B, "member_name": "Shared Two", "email": "Shared@example.com"},
    ],
    "templates": [
        {"template_id": DUP_TEMPLATE_A, "template_name": "Twin template", "status": "enabled"},
        {"template_id": DUP_TEMPLATE_B, "template_name": "Twin template", "status": "enabled"},
    ],
    "integrations": [
        {"integration_id": INTEGRATION_DEFAULT_ONLY, "integration_name": "Prometheus", "kind": "shared"},
        {"integration_id": INTEGRATION_CASES_ONLY, "integration_name": "Zabbix", "kind": "shared"},
        {"integration_id": INTEGRATION_NO_ROUTE, "integration_name": "Grafana", "kind": "shared"},
    ],
}

# Webhook credentials: none of these may appear in any exported file or in the output.
TOKENS = {
    "feishu": "tok-feishu-5b7e2f61",
    "dingtalk": "tok-dingtalk-0c4d9a83",
    "wecom": "tok-wecom-91f3e6d2",
    "zoom": "tok-zoom-3a8c1b47",
    "zoom_verify": "verify-zoom-e5d2c980",
    "telegram": "tok-telegram-7f0b3d15",
    "slack": "https://hooks.slack.example/services/T000/B000/slack-secret-4e1a",
    "teams": "https://teams.example/webhook/teams-secret-8d2f",
    "custom": "https://custom.example/hook?sig=custom-secret-6c9b",
    "custom_header": "Bearer custom-header-secret-2a7e",
}


@dataclass
class Seeded:
    kind: str  # escalation | silence | route
    body: dict[str, Any]
    shapes: list[str]
    disable: bool = False
    rule_id: str = ""

    def with_disabled(self) -> Seeded:
        self.disable = True
        return self


def cond(key: str, vals: list[str], oper: str = "IN") -> dict[str, Any]:
    return {"key": key, "oper": oper, "vals": vals}


def layer(target: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"target": target, **fields}


def esc(channel: int, name: str, layers: list[dict[str, Any]], shapes: list[str], **fields: Any) -> Seeded:
    body = {
        "channel_id": channel,
        "rule_name": name,
        "template_id": fields.pop("template_id", seed.CUSTOM_TEMPLATE_ID),
        "layers": layers,
        **fields,
    }
    return Seeded("escalation", body, shapes)


def sil(
    channel: int, name: str, filters: list[list[dict[str, Any]]], shapes: list[str], **fields: Any
) -> Seeded:
    return Seeded("silence", {"channel_id": channel, "rule_name": name, "filters": filters, **fields}, shapes)


def rules() -> list[Seeded]:
    bob, alice, dana = seed.BOB_ID, seed.ALICE_ID, seed.BIG_MEMBER_ID
    chatops = esc(
        PAYMENTS,
        "ChatOps",
        [
            layer(
                {
                    "person_ids": [alice],
                    "webhooks": [
                        {"type": "feishu", "settings": {"token": TOKENS["feishu"], "alias": "payments-bot"}},
                        {"type": "dingtalk", "settings": {"token": TOKENS["dingtalk"], "alias": "pay-ding"}},
                        {"type": "wecom", "settings": {"token": TOKENS["wecom"], "alias": "pay-wecom"}},
                    ],
                }
            )
        ],
        [
            "template:preset",
            "priority:set",
            "description:set",
            "delivery:webhooks-only",
            "webhook:feishu",
            "webhook:dingtalk",
            "webhook:wecom",
            "layers:one",
        ],
        template_id=seed.PRESET_TEMPLATE_ID,
        priority=20,
        description="Bots for the payments team",
    )
    everyone = esc(
        SEARCH,
        "Everyone, everywhere",
        [
            layer(
                {
                    "person_ids": [dana, EVE_NO_EMAIL, SHARED_A],
                    "by": {"critical": ["voice", "sms"], "warning": ["email"], "info": ["push"]},
                },
                max_times=0,
                notify_step=0.5,
                escalate_window=0,
                force_escalate=True,
            ),
            layer(
                {
                    "schedule_to_role_ids": {"7100000000001": [0], "7100000000002": [1, 2]},
                    "by": {"follow_preference": True},
                },
                max_times=6,
                notify_step=120,
                escalate_window=720,
            ),
            layer(
                {"emails": ["oncall@example.com", "lead@example.com"], "by": {"critical": ["email"]}},
                notify_step=2.5,
            ),
            layer(
                {
                    "team_ids": [TEAM_PLATFORM, TEAM_DUP_A],
                    "person_ids": [bob],
                    "emails": ["x@example.com"],
                    "schedule_to_role_ids": {"7100000000003": [0]},
                    "by": {"follow_preference": True, "critical": ["voice"]},
                }
            ),
        ],
        [
            "target:person-int64-above-2**53",
            "target:person-no-email",
            "target:person-shared-email",
            "by:critical",
            "by:warning",
            "by:info",
            "by:email",
            "by:sms",
            "by:voice",
            "by:push",
            "layer:max_times-0",
            "layer:notify_step-fraction",
            "layer:escalate_window-0",
            "layer:force_escalate",
            "layer:max_times-6",
            "layer:notify_step-120",
            "layer:escalate_window-720",
            "target:schedule-default-role",
            "target:schedule-roles",
            "by:follow_preference",
            "target:emails",
            "target:team-lookup",
            "target:team-shared-name",
            "target:all-four",
            "by:follow_preference+severity",
            "layers:four",
            "aggr_window:3600",
            "filters:or-groups",
            "filter:notin",
            "filter:wildcard",
            "filter:regex",
            "filter:cidr",
            "filter:num",
            "filter:and",
            "tf:calendar-workdays",
            "tf:calendar-days-off",
            "tf:several",
            "description:quotes-newline-unicode",
            "priority:200",
        ],
        aggr_window=3600,
        priority=200,
        description='Says "page everyone"\nsecond line \u2013 ünïcode \\ backslash',
        filters=[
            [cond("severity", ["Critical"]), cond("labels.env", ["prod-*", "stag?"])],
            [cond("title", ["/^db-[0-9]+ down$/"]), cond("labels.ip", ["cidr:10.0.0.0/8"], "NOTIN")],
            [cond("labels.load", ["num:gt:90", "num:le:100"])],
        ],
        time_filters=[
            {"start": "08:00", "end": "20:00", "cal_id": "cal-workdays-1"},
            {"start": "00:00", "end": "23:59", "cal_id": "cal-holidays-1", "is_off": True},
        ],
    )
    return [
        esc(
            PAYMENTS,
            "Business hours",
            [
                layer({"team_ids": [seed.TEAM_SRE_ID], "by": {"follow_preference": True}}),
                layer({"person_ids": [bob], "by": {"critical": ["voice"]}}, escalate_window=15),
            ],
            [
                "template:lookup",
                "tf:weekdays",
                "filter:in-multi",
                "target:team",
                "target:person-lookup",
                "layers:two",
                "layer:escalate_window",
                "name:same-across-channels",
                "name:same-across-kinds",
            ],
            time_filters=[{"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]}],
            filters=[[cond("severity", ["Critical", "Warning"])]],
        ),
        chatops,
        esc(
            CHECKOUT,
            "App bots",
            [
                layer(
                    {
                        "person_ids": [bob],
                        "by": {
                            "critical": ["feishu_app:1001", "dingtalk_app:1002"],
                            "warning": ["wecom_app:1003", "teams_app:1004"],
                        },
                        "webhooks": [
                            {"type": t, "settings": {"data_source_id": 1000 + i, "chat_ids": [f"chat-{t}"]}}
                            for i, t in enumerate(
                                ["feishu_app", "dingtalk_app", "wecom_app", "slack_app", "teams_app"]
                            )
                        ],
                    }
                )
            ],
            [
                "by:im-app",
                "delivery:by+webhooks",
                "webhook:feishu_app",
                "webhook:dingtalk_app",
                "webhook:wecom_app",
                "webhook:slack_app",
                "webhook:teams_app",
            ],
        ),
        esc(
            CHECKOUT,
            "Other chats",
            [
                layer(
                    {
                        "team_ids": [seed.TEAM_SRE_ID],
                        "webhooks": [
                            {
                                "type": "zoom",
                                "settings": {
                                    "token": TOKENS["zoom"],
                                    "alias": "zoom-room",
                                    "verify_token": TOKENS["zoom_verify"],
                                },
                            },
                            {
                                "type": "telegram",
                                "settings": {
                                    "token": TOKENS["telegram"],
                                    "alias": "tg",
                                    "chat_ids": ["-1001"],
                                },
                            },
                            {"type": "slack", "settings": {"url": TOKENS["slack"]}},
                            {"type": "teams", "settings": {"url": TOKENS["teams"], "alias": "teams-ch"}},
                            {
                                "type": "custom",
                                "settings": {
                                    "url": TOKENS["custom"],
                                    "method": "POST",
                                    "headers": {"Authorization": TOKENS["custom_header"]},
                                },
                            },
                        ],
                    }
                )
            ],
            [
                "webhook:zoom",
                "webhook:telegram",
                "webhook:slack",
                "webhook:teams",
                "webhook:custom",
                "secret:json-object",
            ],
        ),
        esc(
            CHECKOUT,
            "Business hours",
            [layer({"person_ids": [alice], "by": {"critical": ["sms"]}})],
            ["tf:every-day"],
            time_filters=[{"start": "07:00", "end": "22:00"}],
        ),
        everyone,
        esc(
            PAYMENTS,
            "Dormant",
            [layer({"person_ids": [bob], "by": {"follow_preference": True}})],
            ["status:disabled", "priority:0-console-default"],
            priority=0,
        ).with_disabled(),
        esc(
            SEARCH,
            "Duplicate",
            [layer({"person_ids": [bob], "by": {"info": ["email"]}})],
            ["name:duplicate-in-channel"],
        ),
        esc(SEARCH, "Duplicate", [layer({"person_ids": [alice], "by": {"info": ["email"]}})], []),
        esc(
            ONCALL_CN,
            "值班规则",
            [layer({"person_ids": [alice], "by": {"critical": ["voice"]}})],
            ["name:no-ascii", "channel:no-ascii-name"],
        ),
        esc(
            OPS_A,
            "Ops paging",
            [layer({"team_ids": [TEAM_DUP_B], "by": {"critical": ["voice"]}})],
            ["channel:shared-name", "template:shared-name"],
            template_id=DUP_TEMPLATE_A,
        ),
        esc(
            BIG_CHANNEL,
            "Big",
            [layer({"person_ids": [dana], "by": {"critical": ["voice"]}})],
            ["channel:int64-above-2**53"],
        ),
        sil(
            PAYMENTS,
            "Business hours",
            [[cond("labels.service", ["payments-db"])]],
            ["silence:once", "silence:discard", "silence:priority", "silence:description"],
            time_filter={"start_time": 1930000000, "end_time": 1930014400},
            is_directly_discard=True,
            priority=5,
            description="Planned DB maintenance",
        ),
        sil(
            PAYMENTS,
            "Nightly backup",
            [
                [cond("title", ["*backup*"])],
                [cond("labels.job", ["backup"]), cond("severity", ["Info"], "NOTIN")],
            ],
            ["silence:weekdays", "silence:or-groups", "silence:several-windows"],
            time_filters=[
                {"start": "01:00", "end": "03:00", "repeat": [0, 6]},
                {"start": "02:00", "end": "04:00", "repeat": [1, 2, 3, 4, 5]},
            ],
        ),
        sil(
            CHECKOUT,
            "Always quiet",
            [[cond("labels.noise", ["yes"])]],
            ["silence:every-day"],
            time_filters=[{"start": "00:00", "end": "23:59"}],
        ),
        sil(
            SEARCH,
            "Holidays",
            [[cond("severity", ["Warning", "Info"])]],
            ["silence:calendar"],
            time_filters=[{"start": "00:00", "end": "23:59", "cal_id": "cal-holidays-1", "is_off": True}],
        ),
        sil(
            SEARCH,
            "Paused",
            [[cond("labels.team", ["search"])]],
            ["silence:disabled"],
            time_filters=[{"start": "12:00", "end": "13:00"}],
        ).with_disabled(),
        Seeded(
            "route",
            {
                "integration_id": seed.SHARED_INTEGRATION_ID,
                "cases": [
                    {
                        "if": [cond("severity", ["Critical"]), cond("labels.service", ["payments-*"])],
                        "channel_ids": [PAYMENTS, SEARCH],
                        "fallthrough": True,
                    },
                    {
                        "if": [cond("labels.service", ["/^(cart|checkout)/"])],
                        "channel_ids": [CHECKOUT],
                        "fallthrough": False,
                    },
                    {
                        "if": [cond("labels.team", ["*"])],
                        "channel_ids": [],
                        "fallthrough": False,
                        "routing_mode": "name_mapping",
                        "name_mapping_label": "labels.team",
                    },
                    {
                        "if": [cond("labels.owner", ["ops"], "IN")],
                        "channel_ids": [OPS_B],
                        "fallthrough": False,
                    },
                ],
                "sections": [{"name": "Payments first", "position": 0}, {"name": "The rest", "position": 2}],
                "default": {"channel_ids": [PAYMENTS]},
            },
            [
                "route:cases+default+sections",
                "route:fallthrough",
                "route:name_mapping",
                "route:channels-several",
                "route:channel-shared-name",
                "route:and-conditions",
            ],
        ),
        Seeded(
            "route",
            {"integration_id": INTEGRATION_DEFAULT_ONLY, "default": {"channel_ids": [CHECKOUT, BIG_CHANNEL]}},
            ["route:default-only"],
        ),
        Seeded(
            "route",
            {
                "integration_id": INTEGRATION_CASES_ONLY,
                "cases": [
                    {
                        "if": [cond("severity", ["Critical"], "NOTIN")],
                        "channel_ids": [ONCALL_CN],
                        "fallthrough": False,
                    }
                ],
            },
            ["route:cases-only"],
        ),
    ]


EDITED_RULE = "ChatOps"
EDIT_FROM = 'description="Bots for the payments team"'
EDIT_TO = 'description="Bots for the payments team (edited in code)"'


@dataclass
class Story:
    emulator: EmulatorProcess
    console: Console
    workdir: Path
    out: Path
    seeded: list[Seeded]
    first_export: dict[str, bytes] = field(default_factory=dict)
    stack: Stack | None = None

    def env(self, **extra: str) -> dict[str, str]:
        base = self.stack.env if self.stack is not None else dict(os.environ)
        return {
            **{k: v for k, v in base.items() if not k.startswith("FLASHDUTY_")},
            "FLASHDUTY_APP_KEY": self.emulator.app_key,
            "FLASHDUTY_BASE_URL": self.emulator.base_url,
            **extra,
        }

    def export(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        integrations = [
            seed.SHARED_INTEGRATION_ID,
            INTEGRATION_DEFAULT_ONLY,
            INTEGRATION_CASES_ONLY,
            INTEGRATION_NO_ROUTE,
        ]
        cmd = [
            str(EXPORTER),
            "export",
            "--all-channels",
            "--out",
            str(self.out),
            "--project-name",
            "exported",
            "--virtualenv",
            str(VENV),
        ]
        for i in integrations:
            cmd += ["--integration", str(i)]
        proc = subprocess.run(
            [*cmd, *args], env=env or self.env(), capture_output=True, text=True, timeout=300, check=False
        )
        assert self.emulator.app_key not in proc.stdout + proc.stderr
        return proc

    def files(self) -> dict[str, bytes]:
        return {
            p.name: p.read_bytes()
            for p in sorted(self.out.iterdir())
            if p.is_file() and not re.fullmatch(r"Pulumi\..+\.yaml", p.name)
        }

    def by_name(self, name: str, kind: str = "escalation") -> Seeded:
        return next(s for s in self.seeded if s.kind == kind and s.body.get("rule_name") == name)


def seed_rules(emulator: EmulatorProcess, console: Console) -> list[Seeded]:
    emulator.seed(**SEED_ENTITIES)
    seeded = rules()
    for s in seeded:
        if s.kind == "route":
            console.call("/route/upsert", s.body)
            continue
        if s.kind == "escalation":
            s.rule_id = console.create_escalation_rule(s.body)
        else:
            s.rule_id = console.create_silence_rule(s.body)
        if s.disable:
            path = f"/channel/{'escalate' if s.kind == 'escalation' else 'silence'}/rule/disable"
            console.call(path, {"channel_id": s.body["channel_id"], "rule_id": s.rule_id})
    return seeded


@pytest.fixture(scope="module")
def story(
    emulator: EmulatorProcess, console: Console, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Story]:
    emulator.reset()
    workdir = Path(tmp_path_factory.mktemp("export"))
    seeded = seed_rules(emulator, console)
    yield Story(emulator, console, workdir, workdir / "exported", seeded)


def shapes(seeded: list[Seeded]) -> set[str]:
    return {shape for s in seeded for shape in s.shapes}


def test_export_writes_a_valid_read_only_program(story: Story) -> None:
    covered = shapes(story.seeded)
    n_rules = sum(1 for s in story.seeded)
    by_family = Counter(shape.split(":")[0] for shape in covered)
    print(
        f"\nexport round trip: {n_rules} rules seeded covering {len(covered)} rule shapes: {dict(by_family)}"
    )
    assert len(covered) >= 90

    seq = last_seq(story.emulator)
    proc = story.export()
    assert proc.returncode == 0, proc.stderr
    assert write_counts(story.emulator, seq) == {}, "the export wrote to Flashduty"
    assert "Exported 12 escalation, 5 silence and 3 routing rules" in proc.stderr, proc.stderr
    assert f"integration {INTEGRATION_NO_ROUTE} has no routing rule" in proc.stderr

    story.first_export = story.files()
    assert set(story.first_export) == {"__main__.py", "Pulumi.yaml", "README.md", "requirements.txt"}
    text = story.first_export["__main__.py"].decode()
    compile(text, "__main__.py", "exec")
    for token in TOKENS.values():
        for name, data in story.first_export.items():
            assert token.encode() not in data, f"a webhook secret is written in {name}"

    # Readable: look-ups by name where the name is unique, literals with a reason where not.
    assert 'channel_payments = fd.lookup_channel("Payments")' in text
    assert 'template_sre_compact = fd.lookup_template("SRE Compact")' in text
    assert 'team_sre = fd.lookup_team("SRE")' in text
    assert 'member_bob = fd.lookup_member("bob@example.com")' in text
    assert 'str(fd.lookup_member("dana@example.com"))' in text
    assert 'str(fd.lookup_channel("Big Channel"))' in text
    assert f'{OPS_A},  # channel "Ops": name not unique' in text
    assert f'{TEAM_DUP_B},  # team "Twins": name not unique' in text
    assert f'{EVE_NO_EMAIL},  # member "Eve Nomail": no email to look up' in text
    assert f'{SHARED_A},  # member "Shared One": email not unique' in text
    assert f'"{DUP_TEMPLATE_A}",  # template "Twin template": name not unique' in text
    assert '"000000000000000000000001",  # the built-in preset template' in text
    assert 'lookup_channel("Ops")' not in text and 'lookup_team("Twins")' not in text
    # One resource per rule, named after it, adopting it.
    for s in story.seeded:
        if s.rule_id:
            assert text.count(f'adopt_rule_id="{s.rule_id}"') == 1, s.body["rule_name"]
    assert text.count("\n    adopt=True,\n") == 3
    for name in (
        "checkout-business-hours",
        "payments-business-hours-escalation",
        "payments-business-hours-silence",
        "search-duplicate-escalation",
        "search-duplicate-escalation-2",
        "chatops",
        "everyone-everywhere",
        "route-6022140857131",
    ):
        assert f'\n    "{name}",\n' in text, name
    assert re.search(r'\n    "escalation-[0-9a-f]{8}",\n    rule_name="值班规则"', text)
    # Lint-clean as a program of its own.
    lint = subprocess.run(
        [
            str(VENV / "bin" / "ruff"),
            "check",
            "--isolated",
            "--line-length",
            "120",
            "--select",
            "E,F,W,I,B",
            "__main__.py",
        ],
        cwd=story.out,  # as in the user's project: flashduty_pulumi is a third-party package there
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_secrets_go_to_stack_config_and_the_export_is_deterministic(story: Story) -> None:
    story.stack = Stack(
        story.workdir / "stack",
        story.emulator.base_url,
        story.emulator.app_key,
        program_dir=story.out,
        name="e2e",
    )
    seq = last_seq(story.emulator)
    proc = story.export("--force", "--secrets-stack", "e2e")
    assert proc.returncode == 0, proc.stderr
    assert "Stored 11 webhook secrets in stack e2e" in proc.stderr, proc.stderr
    assert write_counts(story.emulator, seq) == {}
    assert story.files() == story.first_export, "the same live rules must give the same bytes"
    stack_config = (story.out / "Pulumi.e2e.yaml").read_text()
    assert stack_config.count("secure:") == 12  # 11 webhook secrets + flashduty:appKey
    for token in TOKENS.values():
        assert token not in stack_config


def test_first_up_adopts_every_rule_changing_nothing(story: Story) -> None:
    assert story.stack is not None
    before = story.console.all_rules()
    seq = last_seq(story.emulator)
    result = story.stack.up()
    # Adopting a rule rewrites it unchanged (so that any resource that held it before sees the
    # takeover); every setting stays as it was.
    writes = write_counts(story.emulator, seq)
    assert set(writes) <= {
        "/channel/escalate/rule/update",
        "/channel/silence/rule/update",
        "/route/upsert",
    }, writes
    after = story.console.all_rules()
    moved = ("updated_at", "updated_by")
    assert set(after) == set(before)
    changed = {
        (i, k): (before[i].get(k), after[i].get(k))
        for i in before
        for k in {*before[i], *after[i]} - set(moved)
        if meaningful(before[i].get(k)) != meaningful(after[i].get(k))
    }
    assert changed == {}, repr(changed)
    changed = result.changed()
    assert len(changed) == 20 and all(ops == ["create"] for ops in changed.values()), str(result)
    ids = {r["id"] for r in story.stack.resources() if "dynamic/flashduty:" in r.get("type", "")}
    expected = {s.rule_id for s in story.seeded if s.rule_id} | {
        str(seed.SHARED_INTEGRATION_ID),
        str(INTEGRATION_DEFAULT_ONLY),
        str(INTEGRATION_CASES_ONLY),
    }
    assert ids == expected
    # Disabled rules stay disabled; nothing else moved either.
    rules_now = after
    for s in story.seeded:
        if s.rule_id:
            assert rules_now[s.rule_id]["status"] == ("disabled" if s.disable else "enabled")


def test_preview_and_refresh_expect_no_changes(story: Story) -> None:
    assert story.stack is not None
    seq = last_seq(story.emulator)
    story.stack.assert_converged()
    assert write_counts(story.emulator, seq) == {}


def test_a_rule_edited_in_the_generated_code_updates_in_place(story: Story) -> None:
    assert story.stack is not None
    main = story.out / "__main__.py"
    text = main.read_text()
    assert text.count(EDIT_FROM) == 1
    main.write_text(text.replace(EDIT_FROM, EDIT_TO))
    target = story.by_name(EDITED_RULE)

    seq = last_seq(story.emulator)
    result = story.stack.up()
    assert result.changed() == {"chatops": ["update"]}, str(result)
    assert write_counts(story.emulator, seq) == {"/channel/escalate/rule/update": 1}
    live = story.console.all_rules()[target.rule_id]
    assert live["description"] == "Bots for the payments team (edited in code)"
    assert live["layers"][0]["target"]["webhooks"][0]["settings"]["token"] == TOKENS["feishu"]
    assert [
        r["id"] for r in story.stack.resources(kind="EscalationRule") if r["urn"].endswith("::chatops")
    ] == [target.rule_id]
    story.stack.preview("--expect-no-changes")


def test_no_secret_lands_on_disk_or_in_logs(story: Story) -> None:
    assert story.stack is not None
    story.stack.assert_no_secret_anywhere(*TOKENS.values())


# ------------------------------------------------------------------------------------- CLI errors


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FLASHDUTY_")}
    return subprocess.run(
        [str(EXPORTER), "export", *args],
        env={**base, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_errors_are_one_line_with_distinct_exit_codes(emulator: EmulatorProcess, tmp_path: Path) -> None:
    good = {"FLASHDUTY_APP_KEY": emulator.app_key, "FLASHDUTY_BASE_URL": emulator.base_url}
    cases = [
        (["--channel", "No Such Channel"], good, 4, "no channel named 'No Such Channel' is visible"),
        (["--channel", "999"], good, 4, "no channel with ID 999"),
        (["--integration", "6022140899999"], good, 4, "integration 6022140899999 does not exist"),
        (["--integration", str(seed.DEDICATED_INTEGRATION_ID)], good, 4, "has no routing rule to export"),
        ([], {**good, "FLASHDUTY_APP_KEY": "not-the-key"}, 6, "refused the app key (Unauthorized)"),
        ([], {"FLASHDUTY_BASE_URL": emulator.base_url}, 3, "no app key: set FLASHDUTY_APP_KEY"),
        ([], {**good, "FLASHDUTY_BASE_URL": "ftp://example"}, 3, "base URL"),
        (
            [],
            {**good, "FLASHDUTY_BASE_URL": f"http://127.0.0.1:{_free_port()}", "FLASHDUTY_MAX_RETRIES": "0"},
            5,
            "cannot reach the Flashduty API at http://127.0.0.1:",
        ),
    ]
    for args, env, code, message in cases:
        proc = _run([*args, "--out", str(tmp_path / "out")], env, tmp_path)
        assert proc.returncode == code, (args, proc.returncode, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("flashduty-pulumi export: error: "), proc.stderr
        assert message in lines[0], lines[0]
        assert "not-the-key" not in proc.stderr and emulator.app_key not in proc.stderr
        assert not (tmp_path / "out").exists()

    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "__main__.py").write_text("# mine\n")
    proc = _run(["--out", str(tmp_path / "out")], good, tmp_path)
    assert proc.returncode == 2 and "pass --force" in proc.stderr
    assert (tmp_path / "out" / "__main__.py").read_text() == "# mine\n"


def test_export_is_importable_as_a_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "flashduty_pulumi.cli", "export", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and "--secrets-stack" in proc.stdout


def meaningful(value: Any) -> Any:
    """``value`` as the API means it: no empty lists, nulls or false flags inside objects (all mean
    "none"), lists of plain values as sets, whole numbers as ints."""
    if isinstance(value, dict):
        return {k: meaningful(v) for k, v in value.items() if v is not False and v not in (None, [])}
    if isinstance(value, list):
        items = [meaningful(v) for v in value]
        plain = all(isinstance(v, (str, int, float)) for v in items)
        return sorted(set(items), key=str) if plain else items
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
