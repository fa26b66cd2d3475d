"""The no-op provider and resource of the benchmark's floor (see ``__main__.py`` beside this file).

They live in a module of their own, importable by the program and the provider process alike
(``bench.py`` puts this folder on ``PYTHONPATH``), so the SDK pickles the provider by reference, as
it does flashduty-pulumi's. Defined in ``__main__`` instead, it would be pickled by value, module
globals and all, and the SDK's provider serialisation (which wraps the pickler's dict writer once
more on every resource) exceeds Python's recursion limit at about 500 such resources.
"""

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
