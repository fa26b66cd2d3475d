"""Quickstart: one routing rule, two escalation rules and two silence rules, as code.

What it builds (against the emulator's seeded account by default; every name is stack config, so the
same program runs against your own account):

  shared integration "Alertmanager"  --route-->  critical payment alerts  -> channel "Payments"
                                                 cart/checkout services   -> channel "Checkout"
                                                 everything else          -> channel "Payments"
  channel "Payments":
    escalation "business-hours": weekdays 09:00-18:00, Critical/Warning -> the SRE team, then a person
    escalation "chatops":        around the clock -> a person, plus a Feishu group-chat bot
    silence    "db-maintenance": a one-off window (fixed dates from config, see below)
    silence    "nightly-backup": every night 01:00-03:00, alerts whose title mentions the backup job

Run it:   make demo          (emulator, local state, no cloud login)
Or:       pulumi up          (after `pulumi config set flashduty:baseUrl ...` and
                              `pulumi config set --secret flashduty:appKey ...`)
"""

from __future__ import annotations

from datetime import datetime, timezone

import pulumi

import flashduty_pulumi as fd

cfg = pulumi.Config()  # this project's keys, e.g. `pulumi config set paymentsChannel "My channel"`

# --- Look-ups: find IDs by the names people see in the console --------------------------------
# They run while the program runs (also during `preview`), match exactly, and fail with a clear
# message when a name matches nothing or more than one object. Nothing here is hard-coded IDs.
payments = fd.lookup_channel(cfg.get("paymentsChannel") or "Payments")
checkout = fd.lookup_channel(cfg.get("checkoutChannel") or "Checkout")
sre_team = fd.lookup_team(cfg.get("team") or "SRE")
oncall_member = fd.lookup_member(cfg.get("oncallEmail") or "bob@example.com")
# A template of your own; the built-in preset has the fixed ID "000000000000000000000001".
template = fd.lookup_template(cfg.get("template") or "SRE Compact")

# The shared integration (Integration Center) whose alerts we route. There is no look-up for
# integrations in the public API: copy the ID from the integration's page in the console. Pass big
# IDs as strings: Pulumi carries numbers as floats, which are exact only up to 2**53.
integration_id = cfg.get("integrationId") or "6022140857131"  # the emulator's "Alertmanager (shared)"

# --- Routing: which channel gets which alerts ---------------------------------------------------
# One routing rule per integration. Cases are tried top to bottom; the first match wins unless the
# case sets fallthrough=True. Alerts no case matches go to `default` (without a default they are
# dropped, so keep one).
route = fd.RoutingRule(
    "alertmanager-route",
    integration_id=integration_id,
    cases=[
        {
            # All conditions in `if` must hold (AND). Values: exact, wildcards (* ?), /regex/.
            "if": [
                {"key": "severity", "oper": "IN", "vals": ["Critical"]},
                {"key": "labels.service", "oper": "IN", "vals": ["payments-*", "settlement"]},
            ],
            "channel_ids": [payments],
        },
        {
            "if": [{"key": "labels.service", "oper": "IN", "vals": ["/^(cart|checkout|pricing)(-.*)?$/"]}],
            "channel_ids": [checkout],
        },
    ],
    default={"channel_ids": [payments]},
    # The integration may already have a route made in the console: adopt=True takes it over
    # (nothing is written when it already matches this program). Without it, `up` stops with an
    # error rather than overwrite a route another team or stack may own.
    adopt=cfg.get_bool("adoptRoute") or False,
    # Routes cannot be deleted in Flashduty. "retain" (the default) leaves the route in place on
    # `pulumi destroy`; "reset" would rewrite it to send everything to `default`.
    delete_behavior="retain",
)

# --- Escalation: who is notified, how, and when -------------------------------------------------
# A channel's escalation rules are tried by `priority` (lower first); the first one whose time
# window and filters match the incident handles it.
business_hours = fd.EscalationRule(
    "business-hours",
    channel_id=payments,
    rule_name="Business hours",
    description="Weekday escalation: the SRE team first, then the on-call engineer.",
    template_id=template,
    priority=10,
    # Only Monday-Friday 09:00-18:00 (weekdays: 0 = Sunday ... 6 = Saturday).
    time_filters=[{"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]}],
    # filters are OR-of-AND: a list of groups, each group a list of conditions that must all hold.
    filters=[[{"key": "severity", "oper": "IN", "vals": ["Critical", "Warning"]}]],
    layers=[
        {
            # Layer 1: every member of the team, by their own notification preferences.
            "target": {"team_ids": [sre_team], "by": {"follow_preference": True}},
            "max_times": 2,  # notify up to twice in this layer ...
            "notify_step": 10,  # ... 10 minutes apart,
            "escalate_window": 30,  # then escalate after 30 minutes without acknowledgement.
        },
        {
            # Layer 2: the on-call engineer, by phone for Critical and SMS for Warning.
            "target": {
                "person_ids": [oncall_member],
                "by": {"critical": ["voice", "sms"], "warning": ["sms"], "info": ["email"]},
            },
            "escalate_window": 60,
        },
    ],
)

# A group-chat bot token is a credential: keep it in stack config as a secret
# (`pulumi config set --secret chatBotToken <token or webhook URL>`). The rule's `layers` are then
# stored encrypted in the state, and shown as [secret] in previews.
bot_token = cfg.get_secret("chatBotToken") or pulumi.Output.secret("placeholder-feishu-bot-token")
chatops = fd.EscalationRule(
    "chatops",
    channel_id=payments,
    rule_name="ChatOps around the clock",
    template_id=template,
    priority=20,
    aggr_window=120,  # wait 2 minutes before the first notification (nothing is sent if it closes)
    layers=[
        {
            "target": {
                "person_ids": [oncall_member],
                "by": {"follow_preference": True},
                "webhooks": [{"type": "feishu", "settings": {"token": bot_token, "alias": "ops-room"}}],
            },
        }
    ],
)

# --- Silences: mute known noise ---------------------------------------------------------------
# A one-off window. Never compute it from "now" (time.time()): every run would produce a new
# window and the stack would never converge. Use fixed dates, kept in config.


def unix(iso: str) -> int:
    """An ISO-8601 date-time (UTC if no offset) as unix seconds."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


maintenance = fd.SilenceRule(
    "db-maintenance",
    channel_id=payments,
    rule_name="Database maintenance",
    description="Planned failover test; alerts are kept and marked Silenced.",
    time_filter={
        "start_time": unix(cfg.get("maintenanceStart") or "2031-03-01T22:00:00+00:00"),
        "end_time": unix(cfg.get("maintenanceEnd") or "2031-03-02T02:00:00+00:00"),
    },
    filters=[[{"key": "labels.service", "oper": "IN", "vals": ["payments-db", "/^postgres-.*/"]}]],
)

# A recurring window: every night, 01:00-03:00 (an empty `repeat` means every day).
nightly = fd.SilenceRule(
    "nightly-backup",
    channel_id=payments,
    rule_name="Nightly backup noise",
    time_filters=[{"start": "01:00", "end": "03:00"}],
    filters=[
        [
            {"key": "title", "oper": "IN", "vals": ["*backup*"]},
            {"key": "severity", "oper": "IN", "vals": ["Info", "Warning"]},
        ]
    ],
    is_directly_discard=True,  # drop matching alerts outright (False keeps them, marked Silenced)
)

# --- Outputs: the IDs you will look for in the console or refer to elsewhere ---------------------
pulumi.export("route_integration_id", route.id)
pulumi.export("route_version", route.version)
pulumi.export("business_hours_rule_id", business_hours.rule_id)
pulumi.export("chatops_rule_id", chatops.rule_id)
pulumi.export("maintenance_silence_rule_id", maintenance.rule_id)
pulumi.export("nightly_silence_rule_id", nightly.rule_id)
