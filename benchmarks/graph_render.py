"""The picture's cost: page size and time to draw, for the quickstart and a 500-rule account.

Prints, side by side (not a timed test):
- page bytes (renderer + data), and the data alone;
- Python time to build the page (document + highlight + HTML);
- browser time to draw it in Chromium: parse + DOM + layout + edges, measured inside the page
  (``data-render-ms``), and navigation-to-ready as Playwright sees it; median of 5 loads.

    .venv/bin/python benchmarks/graph_render.py      (needs Chromium: scripts/browser.sh)
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from flashduty_pulumi.graph import render_page
from flashduty_pulumi.graph.browser import chromium_path
from flashduty_pulumi.graph.document import config_document, trace_highlight
from flashduty_pulumi.graph.page import embed_json
from flashduty_pulumi.simulate import Alert, Config, Simulator, load_snapshot
from flashduty_pulumi.simulate.loaders import load_program

REPO = Path(__file__).resolve().parents[1]
INTEGRATION = 6022140857131
AT = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
LOADS = 5


def large(channels: int = 50, escalation: int = 8, silence: int = 2) -> Config:
    """``channels`` x (``escalation`` + ``silence``) rules (500 by default) behind one route of
    one case per channel; every rule has two conditions, every escalation rule two layers."""
    members = [
        {"member_id": 1000 + i, "member_name": f"Person {i}", "email": f"p{i}@example.com"} for i in range(40)
    ]
    teams = [
        {"team_id": 2000 + t, "team_name": f"Team {t}", "person_ids": [1000 + t * 4 + k for k in range(4)]}
        for t in range(10)
    ]
    chans, esc, sil, cases = [], [], [], []
    for c in range(channels):
        cid = 5000 + c
        chans.append({"channel_id": cid, "channel_name": f"Service {c:02d}"})
        cases.append(
            {
                "if": [
                    {"key": "labels.service", "oper": "IN", "vals": [f"svc-{c:02d}-*"]},
                    {"key": "severity", "oper": "IN", "vals": ["Critical", "Warning"]},
                ],
                "channel_ids": [cid],
            }
        )
        for r in range(escalation):
            layers: list[dict[str, Any]] = [
                {
                    "target": {"team_ids": [2000 + (c + r) % 10]},
                    "max_times": 2,
                    "notify_step": 5,
                    "escalate_window": 15,
                },
                {
                    "target": {
                        "person_ids": [1000 + (c + r) % 40],
                        "webhooks": [{"type": "slack", "settings": {"alias": "room"}}],
                    }
                },
            ]
            esc.append(
                {
                    "rule_id": f"{c:012x}{r:012x}",
                    "channel_id": cid,
                    "rule_name": f"Rule {r} of service {c:02d}",
                    "priority": r * 10,
                    "time_filters": [{"start": f"{r:02d}:00", "end": "23:00", "repeat": [1, 2, 3, 4, 5]}],
                    "filters": [
                        [
                            {"key": "labels.env", "oper": "IN", "vals": ["prod"]},
                            {"key": "title", "oper": "IN", "vals": [f"*{r}*"]},
                        ]
                    ],
                    "layers": layers,
                }
            )
        for r in range(silence):
            sil.append(
                {
                    "rule_id": f"{c:012x}{r + 100:012x}",
                    "channel_id": cid,
                    "rule_name": f"Silence {r} of service {c:02d}",
                    "filters": [
                        [
                            {"key": "labels.env", "oper": "IN", "vals": ["staging"]},
                            {"key": "severity", "oper": "IN", "vals": ["Info"]},
                        ]
                    ],
                    "time_filters": [{"start": "01:00", "end": "03:00", "repeat": [0, 6]}],
                }
            )
    return load_snapshot(
        {
            "format": "flashduty-pulumi-snapshot",
            "version": 1,
            "routes": [{"integration_id": INTEGRATION, "cases": cases, "default": {"channel_ids": [5000]}}],
            "channels": chans,
            "escalation_rules": esc,
            "silence_rules": sil,
            "members": members,
            "teams": teams,
        }
    )


def build(config: Config, alert: Alert) -> tuple[str, int, float]:
    started = time.perf_counter()
    doc = config_document(config)
    doc["highlight"] = trace_highlight(Simulator(config).route(alert, AT), config)
    html = render_page(doc, title="benchmark")
    return html, len(embed_json(doc).encode()), time.perf_counter() - started


def main() -> None:
    quick = load_program(
        REPO / "examples" / "quickstart", fixtures=REPO / "examples" / "routing-tests" / "fixtures.json"
    )
    big = large()
    alert = Alert(
        severity="Critical",
        title="x",
        labels={"service": "svc-42-api", "env": "prod"},
        integration_id=INTEGRATION,
    )
    rows = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=chromium_path())
        for name, config in (("quickstart", quick), ("500 rules", big)):
            html, data_bytes, build_s = build(config, alert)
            path = Path(tmp) / f"{name.replace(' ', '-')}.html"
            path.write_text(html, encoding="utf-8")
            inside, outside = [], []
            for _ in range(LOADS):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                started = time.perf_counter()
                page.goto(path.as_uri())
                page.wait_for_selector("main[data-ready=true]")
                outside.append((time.perf_counter() - started) * 1000)
                inside.append(float(page.locator("main").get_attribute("data-render-ms") or "nan"))
                page.close()
            rules = len(config.escalation_rules) + len(config.silence_rules)
            rows.append(
                (
                    name,
                    rules,
                    len(html.encode()),
                    data_bytes,
                    build_s * 1000,
                    statistics.median(inside),
                    statistics.median(outside),
                )
            )
        browser.close()
    head = ("config", "rules", "page bytes", "data bytes", "build ms", "draw ms", "load ms")
    print(f"{head[0]:<12}" + "".join(f"{h:>12}" for h in head[1:]))
    for name, rules, page_bytes, data_bytes, build_ms, draw_ms, load_ms in rows:
        figures = (
            f"{rules}",
            f"{page_bytes:,}",
            f"{data_bytes:,}",
            f"{build_ms:.1f}",
            f"{draw_ms:.1f}",
            f"{load_ms:.1f}",
        )
        print(f"{name:<12}" + "".join(f"{f:>12}" for f in figures))
    (_, r0, s0, _, _, d0, _), (_, r1, s1, _, _, d1, _) = rows
    print(f"500 rules / quickstart: {r1 / r0:.0f}x rules, {s1 / s0:.1f}x bytes, {d1 / d0:.1f}x draw time")
    print(f"renderer (graph.js + graph.css), inlined in every page: {s0 - rows[0][3]:,} bytes")


if __name__ == "__main__":
    main()
