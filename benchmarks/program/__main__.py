"""The benchmark's program: it declares exactly the rules listed in ``rules.json`` beside it.

Each entry is ``{"kind": "EscalationRule" | "SilenceRule" | "RoutingRule", "name": ..., "args": {...}}``
with the resource's keyword arguments (docs/resource-contract.md). IDs are literal, so the program
itself makes no API call and every call the emulator logs comes from the provider.
"""

import json
from pathlib import Path

import flashduty_pulumi as fd

KINDS = {"EscalationRule": fd.EscalationRule, "SilenceRule": fd.SilenceRule, "RoutingRule": fd.RoutingRule}

for entry in json.loads((Path(__file__).parent / "rules.json").read_text()):
    KINDS[entry["kind"]](entry["name"], **entry["args"])
