"""The program loader (a Pulumi program under mocks, look-ups from fixtures) and what the loaders
keep out: webhook tokens never reach a snapshot; a failing program or a refused rule is one clear
error."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from flashduty_pulumi.cli import main
from flashduty_pulumi.simulate import Config, dump_snapshot
from flashduty_pulumi.simulate.loaders import ProgramError, load_program

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "examples" / "routing-tests" / "fixtures.json"
TOKEN = "tok-3f9c1e7a5b2d4c6e8f0a"

PROGRAM = """
import pulumi
import flashduty_pulumi as fd

cfg = pulumi.Config()
checkout = fd.lookup_channel(cfg.get("channel") or "Checkout")
fd.EscalationRule(
    "chatops",
    channel_id=checkout,
    rule_name="ChatOps",
    template_id="000000000000000000000001",
    priority=3,
    enabled=cfg.get_bool("enabled") is not False,
    layers=[{
        "target": {
            "person_ids": [fd.lookup_member("alice@example.com")],
            "webhooks": [
                {"type": "feishu", "settings": {"token": cfg.require_secret("token"), "alias": "ops"}}
            ],
        },
    }],
)
fd.SilenceRule(
    "quiet",
    channel_id=checkout,
    rule_name="Quiet",
    filters=[[{"key": "labels.env", "oper": "IN", "vals": ["dev"]}]],
    time_filters=[{"start": "22:00", "end": "23:59", "repeat": [0, 6]}],
)
"""


def program(tmp_path: Path, source: str = PROGRAM) -> Path:
    (tmp_path / "prog").mkdir()
    (tmp_path / "prog" / "__main__.py").write_text(textwrap.dedent(source))
    (tmp_path / "prog" / "Pulumi.yaml").write_text("name: probe\nruntime: python\n")
    return tmp_path / "prog"


def test_program_declarations_become_the_configuration(tmp_path: Path) -> None:
    cfg = load_program(program(tmp_path), fixtures=FIXTURES, config={"token": TOKEN, "enabled": "false"})
    (esc,) = cfg.escalation_rules
    assert (esc.rule_name, esc.rule_id, esc.priority, esc.status) == ("ChatOps", "chatops", 3, "disabled")
    assert cfg.channel_name(esc.channel_id) == "Checkout"
    assert esc.layers[0].target.webhooks[0].settings == {"alias": "ops"}  # the token is not kept
    (sil,) = cfg.silence_rules
    assert sil.status == "enabled" and sil.time_filters[0].start == "22:00"
    assert cfg.timezone == "Asia/Shanghai"  # from the fixtures


def test_snapshot_of_a_program_holds_no_webhook_token(tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    code = main(
        [
            "snapshot",
            "--program",
            str(program(tmp_path)),
            "--fixtures",
            str(FIXTURES),
            "--config",
            f"token={TOKEN}",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    text = out.read_text()
    assert TOKEN not in text and '"alias": "ops"' in text


def test_dump_drops_secret_webhook_settings() -> None:
    from flashduty_pulumi.models import EscalateRuleItem

    rule = EscalateRuleItem.model_validate(
        {
            "rule_id": "a" * 24,
            "layers": [
                {
                    "target": {
                        "webhooks": [
                            {
                                "type": "zoom",
                                "settings": {"token": TOKEN, "verify_token": TOKEN, "alias": "z"},
                            }
                        ]
                    }
                }
            ],
        }
    )
    doc = dump_snapshot(Config(escalation_rules=[rule]))
    assert TOKEN not in json.dumps(doc)
    assert doc["escalation_rules"][0]["layers"][0]["target"]["webhooks"][0]["settings"] == {"alias": "z"}


@pytest.mark.parametrize(
    ("source", "config", "message"),
    [
        ("raise RuntimeError('boom')", {}, "failed under mocks: RuntimeError: boom"),
        (PROGRAM, {"token": TOKEN, "channel": "Nope"}, "no channel named 'Nope' in the fixtures"),
        (
            "import flashduty_pulumi as fd\n"
            "fd.SilenceRule('s', channel_id=1, rule_name='s', filters=[], time_filters=[])",
            {},
            "SilenceRule 's': filters",
        ),
    ],
)
def test_program_failures_are_one_clear_error(
    tmp_path: Path, source: str, config: dict[str, str], message: str
) -> None:
    with pytest.raises(ProgramError, match=message):
        load_program(program(tmp_path, source), fixtures=FIXTURES, config=config)


def test_missing_program(tmp_path: Path) -> None:
    with pytest.raises(ProgramError, match="no Pulumi program at"):
        load_program(tmp_path / "nothing")
