"""The benchmark's floor: the same resources as ``benchmarks/program`` as no-op dynamic resources.

It reads the same ``rules.json`` and declares one ``pulumi.dynamic.Resource`` per entry with the
same inputs, backed by a provider that makes no API call: create echoes its inputs, diff compares
them, read returns what state holds. What this stack costs is what Pulumi itself costs for N dynamic
resources of this size (engine, language host, the SDK's provider pickling, the provider process),
so ``bench.py`` prints our figures as ratios to it.
"""

import json
from pathlib import Path
from typing import Any

import pulumi.dynamic
from pulumi.dynamic import CreateResult, DiffResult, ReadResult


class NoopProvider(pulumi.dynamic.ResourceProvider):
    serialize_as_secret_always = False  # as flashduty-pulumi's providers

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"{props['channel_id']}-{props['rule_name']}", outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in news if k != "__provider" and olds.get(k) != news[k]]
        return DiffResult(changes=bool(changed), replaces=[])

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_=id_, outs=props)


class Noop(pulumi.dynamic.Resource, module="bench", name="Noop"):
    def __init__(self, name: str, args: dict[str, Any]) -> None:
        super().__init__(NoopProvider(), name, dict(args))


for entry in json.loads((Path(__file__).parent / "rules.json").read_text()):
    Noop(entry["name"], entry["args"])
