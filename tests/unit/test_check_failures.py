"""Check failures name no property (so the engine prints no input value) and say in their reason
which field broke which rule, with the value when it is a number, a boolean or null; values not
known yet at preview are skipped leaf by leaf, not layer by layer."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime.rpc import UNKNOWN

from flashduty_pulumi.providers import EscalationRuleProvider

pytestmark = pytest.mark.unit

TOKEN = "tok-9f8e7d6c5b4a"


def esc(**over: Any) -> dict[str, Any]:
    return {
        "__provider": "p",
        "channel_id": 5.0,
        "rule_name": "Payments",
        "template_id": "000000000000000000000001",
        "layers": [{"target": {"person_ids": [1.0], "by": {"follow_preference": True}}}],
        **over,
    }


def failures(news: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.property, f.reason) for f in EscalationRuleProvider().check({}, news).failures]


def test_a_nested_failure_says_the_field_the_rule_and_the_number_given() -> None:
    layers = [{"notify_step": 999, "target": {"person_ids": [1.0], "by": {"follow_preference": True}}}]
    assert failures(esc(layers=layers)) == [
        ("", "layers[0].notify_step must be less than or equal to 120 (got 999)")
    ]


def test_the_template_id_rule_is_in_plain_words() -> None:
    ((prop, reason),) = failures(esc(template_id="abc"))
    assert prop == "" and "exactly 24 hexadecimal characters" in reason and "{" not in reason


def test_a_layer_without_brackets_is_told_to_wrap_it_and_no_token_is_in_any_failure() -> None:
    layer = {"target": {"webhooks": [{"type": "feishu", "settings": {"token": TOKEN}}]}}
    got = failures(esc(layers=layer, rule_name=TOKEN * 4))
    assert ("", "layers must be a list, got one object: wrap it in [ ... ]") in got
    assert any(r.startswith("rule_name must have at most") for _, r in got)
    assert all(prop == "" and TOKEN not in reason for prop, reason in got)


def test_an_unknown_leaf_leaves_the_rest_of_its_layer_checked() -> None:
    layers = [{"notify_step": 999, "target": {"person_ids": [UNKNOWN], "by": {"follow_preference": True}}}]
    assert [r.split(" ", 1)[0] for _, r in failures(esc(layers=layers))] == ["layers[0].notify_step"]
    fine = [{"notify_step": 5, "target": {"person_ids": [UNKNOWN, 1.0], "by": {"follow_preference": True}}}]
    result = EscalationRuleProvider().check({}, esc(layers=fine))
    assert result.failures == []
    assert result.inputs["layers"][0]["notify_step"] == 5.0
    assert result.inputs["layers"][0]["target"]["person_ids"][0] == UNKNOWN


def test_whole_numbers_in_webhook_settings_are_sent_as_integers() -> None:
    hook = {"type": "feishu_app", "settings": {"data_source_id": 1000.0, "chat_ids": ["c"], "ratio": 0.5}}
    layers = [{"target": {"person_ids": [1.0], "webhooks": [hook]}}]
    result = EscalationRuleProvider().check({}, esc(layers=layers))
    assert result.failures == []
    settings = result.inputs["layers"][0]["target"]["webhooks"][0]["settings"]
    assert settings == {"data_source_id": 1000, "chat_ids": ["c"], "ratio": 0.5}
    assert isinstance(settings["data_source_id"], int)
