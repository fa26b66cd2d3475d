"""Routing you can test before `pulumi up`: see routing-tests.yaml next to this file.

shared integration "Alertmanager"  --route-->  critical payments alerts   -> "Payments"
                                               cart/checkout services      -> "Checkout"
                                               everything else             -> "Payments"
"Checkout": business hours -> the SRE team; out of hours -> Alice by phone, then Bob
            load-test alerts are discarded
"Payments": around the clock -> Bob, then the SRE team

  flashduty-pulumi test routing-tests.yaml          # offline: this program under mocks
  flashduty-pulumi lint --program . --fixtures fixtures.json
"""

from __future__ import annotations

import pulumi

import flashduty_pulumi as fd

cfg = pulumi.Config()
payments = fd.lookup_channel("Payments")
checkout = fd.lookup_channel("Checkout")
sre = fd.lookup_team("SRE")
alice = fd.lookup_member("alice@example.com")
bob = fd.lookup_member("bob@example.com")
PRESET = "000000000000000000000001"  # the built-in notification template
WEEKDAYS = [1, 2, 3, 4, 5]  # 0 is Sunday

fd.RoutingRule(
    "alertmanager-route",
    integration_id=cfg.get("integrationId") or "6022140857131",
    cases=[
        {
            "if": [
                {"key": "severity", "oper": "IN", "vals": ["Critical"]},
                {"key": "labels.service", "oper": "IN", "vals": ["payments-*", "settlement"]},
            ],
            "channel_ids": [payments],
        },
        {
            "if": [{"key": "labels.service", "oper": "IN", "vals": ["/^(cart|checkout)(-.*)?$/"]}],
            "channel_ids": [checkout],
        },
    ],
    default={"channel_ids": [payments]},
    adopt=cfg.get_bool("adoptRoute") or False,
)

fd.EscalationRule(
    "checkout-business-hours",
    channel_id=checkout,
    rule_name="Business hours",
    template_id=PRESET,
    priority=1,
    time_filters=[{"start": "09:00", "end": "18:00", "repeat": WEEKDAYS}],
    layers=[{"target": {"team_ids": [sre], "by": {"follow_preference": True}}, "escalate_window": 30}],
)

fd.EscalationRule(
    "checkout-out-of-hours",
    channel_id=checkout,
    rule_name="Out of hours",
    template_id=PRESET,
    priority=2,
    layers=[
        {
            "target": {
                "person_ids": [alice],
                "by": {"critical": ["voice"], "warning": ["sms"], "info": ["email"]},
            },
            "max_times": 1,
            "notify_step": 10,
            "escalate_window": 15,
        },
        {
            "target": {
                "person_ids": [bob],
                "by": {"critical": ["voice"], "warning": ["sms"], "info": ["email"]},
            }
        },
    ],
)

fd.EscalationRule(
    "payments-on-call",
    channel_id=payments,
    rule_name="Payments on-call",
    template_id=PRESET,
    priority=1,
    layers=[
        {"target": {"person_ids": [bob], "by": {"follow_preference": True}}, "escalate_window": 20},
        {"target": {"team_ids": [sre], "by": {"follow_preference": True}}},
    ],
)

fd.SilenceRule(
    "checkout-load-tests",
    channel_id=checkout,
    rule_name="Load tests",
    filters=[[{"key": "labels.env", "oper": "IN", "vals": ["loadtest"]}]],
    time_filters=[{"start": "00:00", "end": "23:59"}],
    is_directly_discard=True,
)
