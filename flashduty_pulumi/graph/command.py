"""``flashduty-pulumi graph``: write the picture of the alert path to one HTML file.

    flashduty-pulumi graph --out FILE.html [--live | --program DIR | --snapshot FILE] [source options]
                           [--alert K=V,... [--at TIME]]        highlight one alert's path
                           [--diff --program DIR [--summary FILE.md]]   what the program would change

The sources and the alert are read exactly as ``simulate`` reads them; with no source the live
account is drawn. ``--diff`` draws the program and marks what differs from the live account (the
routes of the integrations the program routes, the rules of the channels it declares rules in).
Exit codes: 0 written; 2 bad arguments or a source that cannot be loaded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..client import redact
from ..simulate import Config, Simulator
from ..simulate.commands import _load, _source_args, _time, parse_alert
from ..simulate.source import SourceError, load_source
from .diff import changes, changes_markdown
from .document import config_document, trace_highlight
from .page import render_page

__all__ = ["add_graph_command", "run_graph"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_graph_command(sub: Any) -> None:
    p = sub.add_parser(
        "graph",
        help="draw the alert path (integrations -> routes -> channels -> rules -> people) as HTML",
        description="Write one self-contained HTML file (no network needed to open it) drawing the "
        "alert path, optionally with one alert's path highlighted or a program's changes marked. "
        "With no source given, the live account is drawn.",
    )
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the page")
    _source_args(p)
    p.add_argument(
        "--alert", metavar="K=V,...", help="highlight this alert, e.g. 'severity=Critical,labels.service=x'"
    )
    p.add_argument("--at", metavar="TIME", help="the alert's time, ISO 8601 with zone (default: now)")
    p.add_argument(
        "--diff", action="store_true", help="mark what --program would change against the live account"
    )
    p.add_argument("--summary", metavar="FILE.md", help="with --diff: also write the changes as Markdown")
    p.add_argument("--title", metavar="TEXT", help="the page's title")


def _fail(message: str) -> int:
    print(f"flashduty-pulumi graph: error: {redact(message)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _live_for(program: Config, args: argparse.Namespace) -> Config:
    """The live objects a program's picture is compared with."""
    integrations = sorted({*program.routes, *(int(i) for i in args.integration if str(i).isdigit())})
    rules = [r.channel_id for r in program.escalation_rules] + [r.channel_id for r in program.silence_rules]
    channels = sorted({str(c) for c in rules})
    return load_source({"live": True, "integrations": integrations, "channels": channels}, Path.cwd())


def run_graph(args: argparse.Namespace) -> int:
    if args.diff and not args.program:
        return _fail("--diff compares a program with the live account: give --program DIR")
    if args.summary and not args.diff:
        return _fail("--summary is the Markdown list of --diff's changes: add --diff")
    if not (args.live or args.program or args.snapshot):
        args.live = True  # the live account is the default source
    try:
        alert = parse_alert(args.alert) if args.alert else None
        if alert is not None and alert.integration_id is None and len(args.integration) == 1:
            alert = parse_alert(f"{args.alert},integration_id={args.integration[0]}")
        at = _time(args.at)
        wanted = [alert.integration_id] if alert is not None and alert.integration_id else []
        config = _load(args, wanted)
        live = _live_for(config, args) if args.diff else None
    except (ValueError, SourceError) as exc:
        return _fail(str(exc))
    doc = config_document(config)
    source = "live account" if args.live else f"program {args.program}" if args.program else args.snapshot
    subtitle = f"From the {source}."
    if alert is not None:
        doc["highlight"] = trace_highlight(Simulator(config).route(alert, at), config)
    if live is not None:
        found = changes(config_document(live), doc)
        doc["changes"] = found
        subtitle = f"The {source}, marked where it differs from the live account."
    out = Path(args.out)
    title = args.title or "Flashduty alert path"
    try:
        out.write_text(render_page(doc, title=title, subtitle=subtitle), encoding="utf-8")
        if args.summary:
            Path(args.summary).write_text(changes_markdown(doc["changes"]), encoding="utf-8")
    except OSError as exc:
        return _fail(f"cannot write {exc.filename}: {exc.strerror}")
    size = out.stat().st_size
    extra = f", {len(doc['changes'])} change(s)" if "changes" in doc else ""
    print(f"Wrote {out} ({size:,} bytes{extra}).", file=sys.stderr)
    return EXIT_OK
