"""The page's document and an alert's highlight, from the simulator's Config and Trace."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from typing import Any

from flashduty_pulumi.graph.diff import changes, changes_markdown
from flashduty_pulumi.graph.document import config_document, rule_key, trace_highlight
from flashduty_pulumi.simulate import Alert, Simulator, load_snapshot

IID, PAY, WEB = 6022140857131, 5201314520131, 5201314521131
BOB, SRE = 3141592654131, 4162536475131
TOKEN = "unit-secret-token-5c1d"
AT = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)  # a Monday


def snapshot() -> dict[str, Any]:
    cond = {"key": "labels.service", "oper": "IN", "vals": ["web"]}
    layer = {"target": {"team_ids": [SRE]}, "max_times": 0, "notify_step": 10, "escalate_window": 30}
    return {
        "format": "flashduty-pulumi-snapshot",
        "version": 1,
        "routes": [
            {
                "integration_id": IID,
                "cases": [{"if": [cond], "channel_ids": [WEB]}],
                "default": {"channel_ids": [PAY]},
            }
        ],
        "channels": [{"channel_id": PAY, "channel_name": "Pay"}, {"channel_id": WEB, "channel_name": "Web"}],
        "escalation_rules": [
            {
                "rule_id": "e1",
                "channel_id": PAY,
                "rule_name": "Always",
                "layers": [
                    layer,
                    {
                        "target": {
                            "person_ids": [BOB],
                            "webhooks": [{"type": "feishu", "settings": {"token": TOKEN, "alias": "room"}}],
                        }
                    },
                ],
            },
            {
                "rule_id": "",
                "channel_id": WEB,
                "rule_name": "Web on-call",
                "layers": [{"target": {"person_ids": [BOB]}}],
            },
        ],
        "silence_rules": [
            {
                "rule_id": "s1",
                "channel_id": PAY,
                "rule_name": "Mute info",
                "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
            }
        ],
        "members": [
            {"member_id": BOB, "member_name": "Bob", "email": "bob@example.com", "phone": "555-0102"}
        ],
        "teams": [{"team_id": SRE, "team_name": "SRE", "person_ids": [BOB]}],
    }


def test_document_keeps_what_the_picture_shows_and_no_secret() -> None:
    doc = config_document(load_snapshot(snapshot()))
    text = json.dumps(doc)
    assert TOKEN not in text and "555-0102" not in text
    hook = doc["escalation_rules"][0]["layers"][1]["target"]["webhooks"]
    assert hook == [{"type": "feishu", "settings": {"alias": "room"}}]
    assert doc["members"] == [{"member_id": BOB, "member_name": "Bob", "email": "bob@example.com"}]
    assert [c["channel_name"] for c in doc["channels"]] == ["Pay", "Web"]
    assert doc["routes"][0]["cases"][0]["if"][0]["key"] == "labels.service"


def test_highlight_of_a_matched_case() -> None:
    cfg = load_snapshot(snapshot())
    trace = Simulator(cfg).route(Alert(labels={"service": "web"}, integration_id=IID), at=AT)
    hl = trace_highlight(trace, cfg)
    key = rule_key("escalation", "", WEB, "Web on-call")
    assert key == f"escalation:{WEB}:Web on-call"  # a program's rule, not created yet
    assert hl["path"] == [
        f"int:{IID}",
        f"case:{IID}:0",
        f"ch:{WEB}",
        f"rule:{key}",
        f"row:{key}",
        f"layer:{key}:0",
    ]
    assert hl["edges"] == [f"edge:{IID}:0:{WEB}"]
    assert hl["first"] == [f"layer:{key}:0:person:{BOB}"]
    assert hl["stopped"] == []
    assert hl["summary"] == str(trace)


def test_highlight_of_the_default_and_a_silence() -> None:
    cfg = load_snapshot(snapshot())
    silenced = Simulator(cfg).route(Alert(severity="Info", integration_id=IID), at=AT)
    hl = trace_highlight(silenced, cfg)
    assert f"default:{IID}" in hl["path"] and hl["edges"] == [f"edge:{IID}:default:{PAY}"]
    assert hl["stopped"] == ["rule:s1"] and hl["first"] == []
    paged = Simulator(cfg).route(Alert(severity="Critical", integration_id=IID), at=AT)
    hl = trace_highlight(paged, cfg)
    assert hl["stopped"] == []
    # Layer 1 (the team) first, with max_times 0 and a 30-minute window; layer 2 follows.
    assert hl["first"] == [f"layer:e1:0:team:{SRE}"]
    assert "layer:e1:0" in hl["path"] and "layer:e1:1" in hl["path"]


def test_diff_sees_a_moved_case_a_gone_layer_and_a_changed_default() -> None:
    live = snapshot()
    live["routes"][0]["cases"].append(
        {"if": [{"key": "severity", "oper": "IN", "vals": ["Info"]}], "channel_ids": [PAY]}
    )
    program = copy.deepcopy(live)
    program["routes"][0]["cases"].reverse()
    program["routes"][0]["default"] = {"channel_ids": [WEB]}
    program["escalation_rules"][0]["layers"].pop()
    program["escalation_rules"][0]["priority"] = 5
    program["silence_rules"] = []
    program["escalation_rules"].append(
        {"rule_id": "", "channel_id": PAY, "rule_name": "New", "layers": [{"target": {"person_ids": [BOB]}}]}
    )
    found = changes(config_document(load_snapshot(live)), config_document(load_snapshot(program)))
    got = {(c["change"], c["key"]) for c in found}
    assert ("moved", f"case:{IID}:0") in got or ("moved", f"case:{IID}:1") in got
    assert ("changed", f"default:{IID}") in got
    assert ("changed", "rule:e1") in got  # priority
    assert ("removed", "row:e1") in got  # layer 2 gone
    assert ("added", f"rule:escalation:{PAY}:New") in got
    assert ("removed", f"ch:{PAY}") in got  # the silence rule the program no longer declares
    assert len(found) == 6, found
    texts = "\n".join(c["text"] for c in found)
    assert "layer 2 gone" in texts and "moved to #" in texts and "priority" in texts
    md = changes_markdown(found)
    assert md.startswith("**Flashduty:** 6 change(s)") and md.count("\n- ") == 6


def test_diff_of_identical_configurations_is_empty() -> None:
    doc = config_document(load_snapshot(snapshot()))
    assert changes(doc, copy.deepcopy(doc)) == []
    assert "no change" in changes_markdown([])
