"""The simulator's subcommands of ``flashduty-pulumi``: simulate, test, lint, snapshot.

Exit codes: 0 done (every test passed; no lint error); 1 a test failed or lint found an error;
2 bad arguments, a malformed file, or a source that cannot be loaded.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .alert import Alert
from .config import Config
from .engine import Simulator
from .snapshot import write_snapshot_file
from .source import SourceError, check_zone, load_source

__all__ = ["add_commands", "run_command"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

COMMANDS = ("simulate", "test", "lint", "snapshot")


def _source_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("source (exactly one)")
    g.add_argument(
        "--live", action="store_true", help="read the account (FLASHDUTY_BASE_URL, FLASHDUTY_APP_KEY)"
    )
    g.add_argument("--program", metavar="DIR", help="a Pulumi program, run under mocks (no API writes)")
    g.add_argument("--snapshot", metavar="FILE", help="a snapshot file (flashduty-pulumi snapshot)")
    g.add_argument(
        "--integration",
        action="append",
        default=[],
        metavar="ID",
        help="live: an integration whose route to read",
    )
    g.add_argument(
        "--channel", action="append", default=[], metavar="NAME_OR_ID", help="live: only these channels"
    )
    g.add_argument("--fixtures", metavar="FILE", help="program: answer look-ups from this snapshot file")
    g.add_argument(
        "--config", action="append", default=[], metavar="KEY=VALUE", help="program: a stack config value"
    )
    g.add_argument("--timezone", metavar="ZONE", help="the account's IANA time zone for time windows")


def add_commands(sub: Any) -> None:
    """Add the simulator's subcommands to the CLI's subparsers."""
    sim = sub.add_parser("simulate", help="print who an alert would reach, step by step")
    _source_args(sim)
    sim.add_argument(
        "--alert",
        required=True,
        metavar="K=V,...",
        help="e.g. 'severity=Critical,title=5xx,labels.service=checkout'",
    )
    sim.add_argument("--at", metavar="TIME", help="ISO 8601 time with zone (default: now)")
    sim.add_argument("--json", action="store_true", help="the trace as JSON")

    test = sub.add_parser("test", help="run routing tests from a YAML file")
    test.add_argument("file", metavar="FILE.yaml")
    test.add_argument("--junit", metavar="FILE.xml", help="also write a JUnit XML report")

    lint = sub.add_parser("lint", help="find routing mistakes that the API accepts")
    _source_args(lint)
    lint.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    lint.add_argument("--at", metavar="TIME", help="'now' for time-dependent checks (default: now)")

    snap = sub.add_parser("snapshot", help="write the configuration of a source to a snapshot file")
    _source_args(snap)
    snap.add_argument("--out", required=True, metavar="FILE")


def _fail(command: str, message: str, code: int = EXIT_BAD_INPUT) -> int:
    print(f"flashduty-pulumi {command}: error: {message}", file=sys.stderr)
    return code


def _source_spec(args: argparse.Namespace) -> dict[str, Any]:
    given = [x for x in (args.live, args.program, args.snapshot) if x]
    if len(given) != 1:
        raise SourceError("give exactly one of --live, --program DIR or --snapshot FILE")
    if args.live:
        bad = [i for i in args.integration if not str(i).isdigit()]
        if bad:
            raise SourceError(f"--integration must be a numeric integration ID, got {bad[0]!r}")
        return {"live": True, "integrations": [int(i) for i in args.integration], "channels": args.channel}
    if args.program:
        config: dict[str, str] = {}
        for item in args.config:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise SourceError(f"--config must be KEY=VALUE, got {item!r}")
            config[key] = value
        return {"program": args.program, "fixtures": args.fixtures, "config": config}
    return {"snapshot": args.snapshot}


def _load(args: argparse.Namespace, integrations: list[int] | None = None) -> Config:
    zone = check_zone(args.timezone) if args.timezone else None
    return load_source(_source_spec(args), Path.cwd(), integrations=integrations or [], timezone=zone)


def parse_alert(text: str) -> Alert:
    """``severity=Critical,title=5xx,labels.service=checkout,integration_id=42`` as an Alert."""
    data: dict[str, Any] = {"labels": {}}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise ValueError(f"--alert: {part!r} is not KEY=VALUE")
        if key.startswith("labels."):
            data["labels"][key[len("labels.") :]] = value
        else:
            data[key] = value
    return Alert.from_dict(data)


def _time(text: str | None) -> datetime:
    if not text:
        return datetime.now(timezone.utc)
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise ValueError(f"--at {text!r} needs a zone (e.g. +08:00 or Z)")
    return when


def simulate(args: argparse.Namespace) -> int:
    try:
        alert = parse_alert(args.alert)
        if args.integration and alert.integration_id is None and len(args.integration) == 1:
            if not str(args.integration[0]).isdigit():
                raise ValueError(
                    f"--integration must be a numeric integration ID, got {args.integration[0]!r}"
                )
            alert = dataclasses.replace(alert, integration_id=int(args.integration[0]))
        at = _time(args.at)
        config = _load(args, [alert.integration_id] if alert.integration_id else [])
    except (ValueError, SourceError) as exc:
        return _fail("simulate", str(exc))
    trace = Simulator(config).route(alert, at)
    if args.json:
        from .render_json import trace_json

        print(json.dumps(trace_json(trace), indent=2))
    else:
        print(trace)
    return EXIT_OK


def run_tests(args: argparse.Namespace) -> int:
    from .testfile import TestFileError, junit_xml, parse_test_file, run_cases

    path = Path(args.file)
    try:
        import yaml  # type: ignore[import-untyped]  # PyYAML: the simulate extra

        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        tests = parse_test_file(doc, path.parent)
        integrations = sorted(
            {c.alert.integration_id for c in tests.cases if c.alert.integration_id is not None}
        )
        config = load_source(tests.source, path.parent, integrations=integrations, timezone=tests.timezone)
    except OSError as exc:
        return _fail("test", f"cannot read {path}: {exc.strerror}")
    except yaml.YAMLError as exc:
        return _fail("test", f"{path} is not valid YAML: {exc}")
    except (TestFileError, SourceError) as exc:
        return _fail("test", f"{path}: {exc}")
    results = run_cases(tests, config)
    for r in results:
        print(f"{'PASS' if r.ok else 'FAIL'}  {r.case.name}")
        if not r.ok:
            for f in r.failures:
                print(f"      {f}")
            print("\n".join("      | " + line for line in str(r.trace).splitlines()))
    failed = sum(1 for r in results if not r.ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    if args.junit:
        Path(args.junit).write_text(junit_xml(results, path.stem), encoding="utf-8")
    return EXIT_FAILED if failed else EXIT_OK


def run_lint(args: argparse.Namespace) -> int:
    from .lint import lint_config, render_findings

    try:
        at = _time(args.at)
        config = _load(args)
    except (ValueError, SourceError) as exc:
        return _fail("lint", str(exc))
    findings = lint_config(config, at)
    print(render_findings(findings, args.format))
    return EXIT_FAILED if any(f.level == "error" for f in findings) else EXIT_OK


def snapshot(args: argparse.Namespace) -> int:
    try:
        config = _load(args)
        write_snapshot_file(config, args.out)
    except (ValueError, SourceError) as exc:
        return _fail("snapshot", str(exc))
    except OSError as exc:
        return _fail("snapshot", f"cannot write {args.out}: {exc.strerror}")
    print(
        f"Wrote {args.out}: {len(config.routes)} routes, {len(config.channels)} channels, "
        f"{len(config.escalation_rules)} escalation and {len(config.silence_rules)} silence rules.",
        file=sys.stderr,
    )
    return EXIT_OK


def run_command(args: argparse.Namespace) -> int:
    handlers = {"simulate": simulate, "test": run_tests, "lint": run_lint, "snapshot": snapshot}
    return handlers[args.command](args)
