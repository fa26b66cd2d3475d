"""The child process of ``load_program``: runs the program under mocks, prints a snapshot.

Reads ``{"main", "project", "stack", "config", "fixtures"}`` as JSON on stdin and writes the
snapshot document on stdout. Errors go to stderr (last line: the message) with exit code 1.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from typing import Any

import pulumi
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

from ... import lookups
from ...models import EscalateRuleItem, RouteItem, SilenceRuleItem
from ...providers import EscalationRuleProvider, RoutingRuleProvider, SilenceRuleProvider
from ...providers.failures import failure_text
from ..config import Config
from ..snapshot import dump_snapshot, read_snapshot_file
from .fixtures import fixture_lookups

_PROVIDERS: dict[str, Any] = {
    "RoutingRule": RoutingRuleProvider,
    "EscalationRule": EscalationRuleProvider,
    "SilenceRule": SilenceRuleProvider,
}
_TYPE_PREFIX = "pulumi-python:dynamic/flashduty:"


class ProgramFailure(Exception):
    """A declared resource that its provider's check refuses."""


class _Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.declared: list[tuple[str, str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ.startswith(_TYPE_PREFIX):
            self.declared.append((args.typ[len(_TYPE_PREFIX) :], args.name, dict(args.inputs)))
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def _checked(kind: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in inputs.items() if k != "__provider"}
    result = _PROVIDERS[kind]().check({}, props)
    if result.failures:
        raise ProgramFailure(f"{kind} {name!r}: {failure_text(result.failures[0])}")
    return dict(result.inputs)


def _into(config: Config, declared: list[tuple[str, str, dict[str, Any]]]) -> None:
    for order, (kind, name, inputs) in enumerate(declared):
        body = _checked(kind, name, inputs)
        status = "enabled" if body.pop("enabled", True) else "disabled"
        if kind == "RoutingRule":
            route = RouteItem.model_validate(body)
            config.routes[route.integration_id] = route
            continue
        # Declaration order breaks priority ties, as creation order would in the account.
        item = {**body, "rule_id": name, "status": status, "created_at": order}
        if kind == "EscalationRule":
            config.escalation_rules.append(EscalateRuleItem.model_validate(item))
        else:
            config.silence_rules.append(SilenceRuleItem.model_validate(item))


def main() -> int:
    request = json.loads(sys.stdin.read())
    project, stack = request["project"], request["stack"]
    cfg_values = {(k if ":" in k else f"{project}:{k}"): v for k, v in request["config"].items()}
    os.environ["PULUMI_CONFIG"] = json.dumps(
        {k: v if isinstance(v, str) else json.dumps(v) for k, v in cfg_values.items()}
    )
    config = Config()
    if request["fixtures"]:
        fixtures = read_snapshot_file(request["fixtures"])
        config.channels, config.members, config.teams = fixtures.channels, fixtures.members, fixtures.teams
        config.templates, config.schedules, config.calendars = (
            fixtures.templates,
            fixtures.schedules,
            fixtures.calendars,
        )
        config.timezone = fixtures.timezone
        fixture_lookups(fixtures)
    recorder = _Recorder()
    pulumi.runtime.set_mocks(recorder, project=project, stack=stack, preview=False)
    sys.argv = [request["main"]]
    runpy.run_path(request["main"], run_name="__main__")
    _sync_await(wait_for_rpcs())
    _into(config, recorder.declared)
    if not request["fixtures"]:
        from ...export import Directory
        from .live import directory_into

        directory_into(config, Directory(lookups._client(None)))
    sys.stdout.write(json.dumps(dump_snapshot(config)))
    return 0


def _fail(message: str) -> None:
    """Report a failure as a JSON line on stdout, which the parent reads: stderr may end with the
    runtime's own noise at interpreter shutdown (seen on Python 3.10)."""
    sys.stdout.write(json.dumps({"error": message}) + "\n")
    sys.stdout.flush()
    sys.exit(1)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ProgramFailure as exc:
        _fail(str(exc))
    except Exception as exc:
        _fail(f"{type(exc).__name__}: {exc}")
