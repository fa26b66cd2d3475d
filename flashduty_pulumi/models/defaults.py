"""Values the Flashduty server fills in when a field is left out.

One place for all of them: the request models use them as field defaults (so every body we send is
complete, which is what a full-replacement update needs), and the providers use them to normalise
inputs and read-back state so that a server-filled default never shows up as a diff.

Sources: the legacy official spec and the official Terraform provider (``max_times`` 2,
``notify_step`` 10, ``escalate_window`` 30, ``aggr_window`` 0); the rest are the server's zero
values.
"""

from __future__ import annotations

from typing import Final

# Escalation layer.
DEFAULT_LAYER_MAX_TIMES: Final = 2
DEFAULT_LAYER_NOTIFY_STEP: Final = 10.0
DEFAULT_LAYER_ESCALATE_WINDOW: Final = 30
DEFAULT_LAYER_FORCE_ESCALATE: Final = False

# Escalation rule. Priority 0 is the server's zero value, what a console-made rule left at the
# default holds; the Terraform provider's 1 would make adopting such a rule rewrite its priority
# (and could reorder the channel's rules).
DEFAULT_ESCALATION_PRIORITY: Final = 0
DEFAULT_ESCALATION_AGGR_WINDOW: Final = 0
DEFAULT_DESCRIPTION: Final = ""

# Silence rule.
DEFAULT_SILENCE_PRIORITY: Final = 0
DEFAULT_SILENCE_IS_DIRECTLY_DISCARD: Final = False

# Route case.
DEFAULT_ROUTING_MODE: Final = "standard"
DEFAULT_FALLTHROUGH: Final = False

# The built-in notification template (``/template/info`` resolves it in the account's locale).
PRESET_TEMPLATE_ID: Final = "000000000000000000000001"
# What the server puts in ``from_incident_id`` when a silence rule was not made from an incident.
ZERO_OBJECT_ID: Final = "000000000000000000000000"
