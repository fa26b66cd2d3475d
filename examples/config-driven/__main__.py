"""Config-driven rules: the program is the same for every environment; each stack's configuration
(Pulumi.staging.yaml, Pulumi.production.yaml) says what differs.

    pulumi stack init staging      # picks up Pulumi.staging.yaml
    pulumi config set flashduty:baseUrl https://api.flashcat.cloud
    pulumi config set --secret flashduty:appKey <APP key>
    pulumi up

Change an environment with `pulumi config set --path escalation.repeat 2` (or by editing its file)
and `pulumi preview` shows the rule updated in place.

Config keys (all in this project's namespace):
  channel        the channel's name
  template       the notification template's name
  escalation     {name, responders: [emails], team?, notify: {critical, warning, info},
                  repeat, repeat_every_minutes, escalate_after_minutes?, chat?}
  silences       [{name, match: {key: [values]}, once: {start, end} | recurring: [{start, end, repeat?}]}]
  chatToken      (secret, optional) the group-chat bot token used when escalation.chat is set
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pulumi

import flashduty_pulumi as fd

cfg = pulumi.Config()
channel_id = fd.lookup_channel(cfg.require("channel"))
template_id = fd.lookup_template(cfg.get("template") or "SRE Compact")
esc: dict[str, Any] = cfg.require_object("escalation")


def conditions(match: dict[str, list[str]]) -> list[list[fd.FilterConditionArgs]]:
    """{key: [values]} -> one AND group of IN conditions (keys sorted, so the order is stable)."""
    return [[{"key": key, "oper": "IN", "vals": list(vals)} for key, vals in sorted(match.items())]]


def unix(iso: str) -> int:
    moment = datetime.fromisoformat(iso)
    return int((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())


# --- escalation ---------------------------------------------------------------------------
target: fd.EscalateTargetArgs = {
    "person_ids": [fd.lookup_member(email) for email in esc["responders"]],
    "by": {
        "critical": esc["notify"].get("critical", []),
        "warning": esc["notify"].get("warning", []),
        "info": esc["notify"].get("info", []),
    },
}
if esc.get("chat"):
    # Secrets stay secrets: the token is encrypted in config and in state ([secret] in previews).
    token = cfg.get_secret("chatToken") or pulumi.Output.secret("placeholder-bot-token")
    target["webhooks"] = [{"type": esc["chat"], "settings": {"token": token, "alias": pulumi.get_stack()}}]

layers: list[fd.EscalateLayerArgs] = [
    {
        "target": target,
        "max_times": esc.get("repeat", 2),
        "notify_step": esc.get("repeat_every_minutes", 10),
        "escalate_window": esc.get("escalate_after_minutes", 30),
    }
]
if esc.get("team"):
    layers.append({"target": {"team_ids": [fd.lookup_team(esc["team"])], "by": {"follow_preference": True}}})

escalation = fd.EscalationRule(
    "escalation",
    channel_id=channel_id,
    rule_name=esc["name"],
    description=f"Managed by Pulumi stack {pulumi.get_project()}/{pulumi.get_stack()}.",
    template_id=template_id,
    layers=layers,
)

# --- silences: a list in config, one rule each -------------------------------------------------
silence_ids = {}
for item in cfg.get_object("silences") or []:
    window: dict[str, Any] = {}
    if "once" in item:  # fixed dates: a window computed from "now" would change on every run
        once = item["once"]
        window["time_filter"] = {"start_time": unix(once["start"]), "end_time": unix(once["end"])}
    else:
        window["time_filters"] = item["recurring"]
    rule = fd.SilenceRule(
        # The resource name comes from the rule name: renaming a silence in config replaces it.
        "silence-" + item["name"].lower().replace(" ", "-"),
        channel_id=channel_id,
        rule_name=item["name"],
        filters=conditions(item["match"]),
        **window,
    )
    silence_ids[item["name"]] = rule.rule_id

pulumi.export("escalation_rule_id", escalation.rule_id)
pulumi.export("silence_rule_ids", silence_ids)
