"""${DESCRIPTION}

A first escalation rule: business hours on the Payments channel page the SRE team. The look-ups
find the IDs by name (the local emulator is seeded with these names); change them to yours.
Preview with `pulumi preview`, apply with `pulumi up`.
"""

import flashduty_pulumi as fd

payments = fd.lookup_channel("Payments")
sre = fd.lookup_team("SRE")

business_hours = fd.EscalationRule(
    "payments-business-hours",
    channel_id=payments,
    rule_name="Business hours",
    template_id=fd.lookup_template("SRE Compact"),
    time_filters=[{"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]}],
    layers=[{"target": {"team_ids": [sre], "by": {"follow_preference": True}}}],
)
