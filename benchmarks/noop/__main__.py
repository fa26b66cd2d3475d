"""The benchmark's floor: the same resources as ``benchmarks/program`` as no-op dynamic resources.

It reads the same ``rules.json`` and declares one no-op resource per entry with the same inputs,
backed by a provider that makes no API call (``noop_provider.py``): create echoes its inputs, diff
compares them, read returns what state holds. What this stack costs is what Pulumi itself costs for
N dynamic resources of this size (engine, language host, the SDK's provider pickling, the provider
process), so ``bench.py`` prints our figures as ratios to it.
"""

import json
from pathlib import Path

from noop_provider import Noop

for entry in json.loads((Path(__file__).parent / "rules.json").read_text()):
    Noop(entry["name"], entry["args"])
