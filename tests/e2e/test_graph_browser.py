"""The picture of the alert path in a real browser (Playwright driving the system Chromium).

A fixture account with every rule and recipient kind is drawn with one alert highlighted at a
time; the page must load offline with no console error, show every object by name, highlight
exactly what the simulator's trace says, and collapse, search and screenshot as a reader expects.
"""

from __future__ import annotations

import base64
import copy
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from flashduty_pulumi.graph import render_page
from flashduty_pulumi.graph.document import config_document, trace_highlight
from flashduty_pulumi.simulate import Alert, Config, Simulator, Trace, load_snapshot

INTEGRATION = 6022140857131
PAYMENTS, CHECKOUT, SEARCH = 5201314520131, 5201314521131, 5201314522131
ALICE, BOB, CAROL, DANA = 3141592653131, 3141592654131, 3141592655131, 2**53 + 1
SRE, ROTA = 4162536475131, 777001
WEBHOOK_TOKEN = "fixture-secret-feishu-token-0f9e8d"


def fixture_snapshot() -> dict[str, Any]:
    """A small account: three channels behind one route, every rule kind and recipient kind."""

    def cond(key: str, *vals: str, oper: str = "IN") -> dict[str, Any]:
        return {"key": key, "oper": oper, "vals": list(vals)}

    def layer(target: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return {"target": target, "max_times": 1, "notify_step": 10, "escalate_window": 30, **kw}

    return {
        "format": "flashduty-pulumi-snapshot",
        "version": 1,
        "timezone": "UTC",
        "routes": [
            {
                "integration_id": INTEGRATION,
                "cases": [
                    {
                        "if": [cond("severity", "Critical"), cond("labels.service", "payments-*")],
                        "channel_ids": [PAYMENTS],
                    },
                    {
                        "if": [cond("labels.service", "/^checkout(-.*)?$/")],
                        "channel_ids": [CHECKOUT],
                        "fallthrough": True,
                    },
                    {"if": [cond("labels.team", "search")], "channel_ids": [SEARCH, CHECKOUT]},
                ],
                "default": {"channel_ids": [PAYMENTS]},
                "version": 3,
            }
        ],
        "channels": [
            {"channel_id": PAYMENTS, "channel_name": "Payments"},
            {"channel_id": CHECKOUT, "channel_name": "Checkout"},
            {"channel_id": SEARCH, "channel_name": "Search"},
        ],
        "escalation_rules": [
            {
                "rule_id": "e0000000000000000000000a",
                "channel_id": PAYMENTS,
                "rule_name": "Business hours",
                "priority": 10,
                "status": "enabled",
                "template_id": "66f1e2d3c4b5a69788990011",
                "time_filters": [{"start": "09:00", "end": "18:00", "repeat": [1, 2, 3, 4, 5]}],
                "filters": [[cond("severity", "Critical", "Warning")]],
                "layers": [
                    layer({"team_ids": [SRE], "by": {"follow_preference": True}}, max_times=2),
                    layer({"person_ids": [BOB], "by": {"critical": ["voice", "sms"]}}, escalate_window=60),
                ],
            },
            {
                "rule_id": "e0000000000000000000000b",
                "channel_id": PAYMENTS,
                "rule_name": "Around the clock",
                "priority": 20,
                "status": "enabled",
                "template_id": "66f1e2d3c4b5a69788990011",
                "layers": [
                    layer(
                        {
                            "person_ids": [CAROL],
                            "by": {"follow_preference": True},
                            "webhooks": [
                                {"type": "feishu", "settings": {"token": WEBHOOK_TOKEN, "alias": "ops-room"}}
                            ],
                        }
                    )
                ],
            },
            {
                "rule_id": "e0000000000000000000000c",
                "channel_id": CHECKOUT,
                "rule_name": "Checkout on-call",
                "priority": 0,
                "status": "enabled",
                "template_id": "66f1e2d3c4b5a69788990011",
                "layers": [
                    layer({"schedule_to_role_ids": {str(ROTA): []}, "by": {"follow_preference": True}}),
                    layer({"person_ids": [DANA], "emails": ["oncall@example.com"]}),
                ],
            },
        ],
        "silence_rules": [
            {
                "rule_id": "s0000000000000000000000a",
                "channel_id": PAYMENTS,
                "rule_name": "Nightly backup",
                "status": "enabled",
                "filters": [[cond("title", "*backup*")]],
                "time_filters": [{"start": "01:00", "end": "03:00", "repeat": [0, 1, 2, 3, 4, 5, 6]}],
            },
            {
                "rule_id": "s0000000000000000000000b",
                "channel_id": CHECKOUT,
                "rule_name": "Deploy freeze",
                "status": "enabled",
                "is_directly_discard": True,
                "filters": [[cond("labels.env", "staging")]],
                "time_filter": {"start_time": 1767225600, "end_time": 2082758400},
            },
        ],
        "members": [
            {
                "member_id": ALICE,
                "member_name": "Alice Chen",
                "email": "alice@example.com",
                "phone": "555****0101",
            },
            {"member_id": BOB, "member_name": "Bob Martin", "email": "bob@example.com"},
            {"member_id": CAROL, "member_name": "Carol Diaz", "email": "carol@example.com"},
            {"member_id": DANA, "member_name": "Dana Exact", "email": "dana@example.com"},
        ],
        "teams": [{"team_id": SRE, "team_name": "SRE", "person_ids": [ALICE, BOB, CAROL]}],
        "schedules": [{"schedule_id": ROTA, "schedule_name": "Checkout rota"}],
    }


MONDAY_10 = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
SUNDAY_02 = datetime(2026, 12, 6, 2, 0, tzinfo=timezone.utc)

# name -> (alert, time): one per kind of path through the fixture.
ALERTS: dict[str, tuple[Alert, datetime]] = {
    "first case, business hours": (
        Alert(
            severity="Critical", title="5xx", labels={"service": "payments-api"}, integration_id=INTEGRATION
        ),
        MONDAY_10,
    ),
    "fallthrough into two channels": (
        Alert(
            severity="Info",
            title="slow",
            labels={"service": "checkout-web", "team": "search"},
            integration_id=INTEGRATION,
        ),
        SUNDAY_02,
    ),
    "default, silenced": (
        Alert(severity="Warning", title="nightly backup lagging", integration_id=INTEGRATION),
        SUNDAY_02,
    ),
    "discarded by a one-off silence": (
        Alert(
            severity="Critical",
            title="500",
            labels={"service": "checkout", "env": "staging"},
            integration_id=INTEGRATION,
        ),
        MONDAY_10,
    ),
}


@pytest.fixture(scope="module")
def config() -> Config:
    return load_snapshot(fixture_snapshot())


class Loaded:
    """A page opened from a file, with every console message, page error and request it made."""

    def __init__(self, browser: Browser, path: Path) -> None:
        self.page: Page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.messages: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.messages.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("main[data-ready=true]")

    def texts(self, selector: str) -> list[str]:
        return [t.strip() for t in self.page.locator(selector).all_inner_texts()]


def open_page(browser: Browser, tmp_path: Path, config: Config, trace: Trace | None = None) -> Loaded:
    doc = config_document(config)
    if trace is not None:
        doc["highlight"] = trace_highlight(trace, config)
    path = tmp_path / "graph.html"
    path.write_text(render_page(doc, title="Fixture account", subtitle="from a snapshot"), encoding="utf-8")
    return Loaded(browser, path)


def test_page_loads_offline_and_shows_every_object(browser: Browser, tmp_path: Path, config: Config) -> None:
    loaded = open_page(browser, tmp_path, config)
    assert loaded.messages == []
    assert loaded.requests == [(tmp_path / "graph.html").as_uri()], "the page fetched something"
    text = loaded.page.locator("main").inner_text()
    for name in ("Payments", "Checkout", "Search"):
        assert name in loaded.texts(".channel > summary .name")
    for name in ("Business hours", "Around the clock", "Checkout on-call", "Nightly backup", "Deploy freeze"):
        assert name in loaded.texts(".rule .name")
    for who in (
        "Bob Martin <bob@example.com>",
        "Carol Diaz <carol@example.com>",
        "Dana Exact <dana@example.com>",
        "oncall@example.com",
        "team SRE: Alice Chen, Bob Martin, Carol Diaz",  # Alice is paged only through her team
        "schedule Checkout rota",
    ):
        assert who in loaded.texts(".chip"), who
    assert "webhook feishu ops-room" in text
    assert "(unknown)" not in text, "an ID did not resolve to its name (Dana's is 2**53+1: exact IDs)"
    assert len(loaded.page.locator(".case").all()) == 4  # three cases and the default
    assert loaded.texts(".case .num") == ["#1", "#2", "#3", "default"]
    assert "fallthrough" in loaded.texts(".case")[1]
    # Escalation rules of a channel in priority order, layers in order.
    payments = loaded.page.locator(f'.channel[data-key="ch:{PAYMENTS}"]')
    assert payments.locator(".rule.escalation .name").all_inner_texts() == [
        "Business hours",
        "Around the clock",
    ]
    # Edges: one per (case, channel) pair: 1 + 1 + 2 + default 1.
    assert loaded.page.locator("svg.edges path.edge").count() == 5
    html = loaded.page.content()
    assert WEBHOOK_TOKEN not in html and "555****0101" not in html


def _first_recipients(trace: Trace) -> list[str]:
    out: list[str] = []
    for o in trace.outcomes:
        if o.escalation is not None and o.escalation.timeline:
            first = o.escalation.timeline[0]
            out += [r.label for r in first.recipients]
            out += [v for v in first.via if v.startswith("webhook:")]
    return out


@pytest.mark.parametrize("name", list(ALERTS))
def test_highlight_matches_the_trace(browser: Browser, tmp_path: Path, config: Config, name: str) -> None:
    alert, at = ALERTS[name]
    trace = Simulator(config).route(alert, at=at)
    loaded = open_page(browser, tmp_path, config, trace)
    assert loaded.messages == []
    page = loaded.page

    matched = [f"#{c.index + 1}" for c in trace.route.cases if c.matched]
    matched += ["default"] if trace.route.default_used else []
    assert loaded.texts(".case.hl .num") == matched
    assert sorted(loaded.texts(".channel.hl > summary .name")) == sorted(trace.channels)
    stops = [h.rule_name for o in trace.outcomes for h in (o.dropped_by, o.silenced_by, o.inhibited_by) if h]
    assert sorted(loaded.texts(".rule.hl-stop .name")) == sorted(stops)
    chosen = [o.escalation.rule_name for o in trace.outcomes if o.escalation and o.escalation.rule_name]
    assert sorted(loaded.texts(".rule.escalation.hl .name")) == sorted(chosen)
    # Who is paged first: one highlighted chip per recipient of each channel's first notification.
    chips = loaded.texts(".chip.hl-first")
    first = _first_recipients(trace)
    assert len(chips) == len(first)
    for label in first:
        label = label.replace("webhook:", "webhook ")
        assert any(label in chip for chip in chips), (label, chips)
    pairs = sum(len(c.channel_ids) for c in trace.route.cases if c.matched)
    if trace.route.default_used:
        pairs += len(config.routes[INTEGRATION].default.channel_ids)  # type: ignore[union-attr]
    assert page.locator("svg.edges path.edge.hl").count() == pairs
    assert loaded.page.locator(".trace pre").inner_text().strip() == str(trace).strip()


def test_the_expected_paths(config: Config) -> None:
    """The fixture's alerts take the paths their names promise (so the highlight test covers them)."""
    sim = Simulator(config)
    t = {name: sim.route(alert, at=at) for name, (alert, at) in ALERTS.items()}
    assert t["first case, business hours"].escalation["Payments"].rule_name == "Business hours"
    assert sorted(t["fallthrough into two channels"].channels) == ["Checkout", "Search"]
    assert t["default, silenced"].route.default_used and t["default, silenced"].silenced
    assert t["discarded by a one-off silence"].outcome("Checkout").silenced_by is not None


def test_collapse_and_expand(browser: Browser, tmp_path: Path, config: Config) -> None:
    loaded = open_page(browser, tmp_path, config)
    page = loaded.page
    rule = page.locator(".rule .name", has_text="Business hours")
    assert rule.is_visible()
    page.locator(".channel > summary", has_text="Payments").click()
    assert not rule.is_visible()
    assert page.locator(".rule .name", has_text="Checkout on-call").is_visible(), "other channels stay open"
    page.locator("button.collapse-all").click()
    assert not page.locator(".rule .name", has_text="Checkout on-call").is_visible()
    assert page.locator(".channel > summary", has_text="Checkout").is_visible(), "headers stay"
    page.locator("button.expand-all").click()
    assert rule.is_visible()
    assert loaded.messages == []


def test_search_by_name(browser: Browser, tmp_path: Path, config: Config) -> None:
    loaded = open_page(browser, tmp_path, config)
    page = loaded.page
    page.locator("input.search").fill("dana")
    assert loaded.texts(".channel:visible > summary .name") == ["Checkout"]
    assert loaded.texts(".found") == ["Dana Exact <dana@example.com>"]
    # Only the edges into the visible channel are drawn.
    assert page.locator("svg.edges path.edge").count() == 2
    page.locator("input.search").fill("around the")
    assert loaded.texts(".channel:visible > summary .name") == ["Payments"]
    page.locator("input.search").fill("")
    assert len(loaded.texts(".channel:visible > summary .name")) == 3
    assert loaded.messages == []


def distinct_colours(browser: Browser, png: bytes) -> int:
    """How many distinct colours a PNG holds, counted by the browser's own decoder (no imaging
    package needed): a blank or single-colour screenshot has one or two."""
    page = browser.new_page()
    try:
        count: int = page.evaluate(
            """async (data) => {
                const img = new Image();
                img.src = "data:image/png;base64," + data;
                await img.decode();
                const canvas = document.createElement("canvas");
                canvas.width = img.width; canvas.height = img.height;
                const ctx = canvas.getContext("2d");
                ctx.drawImage(img, 0, 0);
                const px = ctx.getImageData(0, 0, img.width, img.height).data;
                const seen = new Set();
                for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
                return seen.size;
            }""",
            base64.b64encode(png).decode("ascii"),
        )
        return count
    finally:
        page.close()


def test_screenshot_is_not_blank(browser: Browser, tmp_path: Path, config: Config) -> None:
    alert, at = ALERTS["first case, business hours"]
    loaded = open_page(browser, tmp_path, config, Simulator(config).route(alert, at=at))
    png = loaded.page.screenshot(full_page=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert distinct_colours(browser, png) > 50
    blank = browser.new_page()
    assert distinct_colours(browser, blank.screenshot()) <= 2, "the check itself tells blank from drawn"
    blank.close()


def test_hostile_names_stay_text(browser: Browser, tmp_path: Path) -> None:
    snap: dict[str, Any] = fixture_snapshot()
    snap["channels"][0]["channel_name"] = '</script><img src=x onerror="document.title=1">'
    snap["escalation_rules"][0]["rule_name"] = "<b>bold</b>"
    loaded = open_page(browser, tmp_path, load_snapshot(snap))
    assert loaded.messages == []
    assert '</script><img src=x onerror="document.title=1">' in loaded.texts(".channel > summary .name")
    assert loaded.page.locator("main img, main b").count() == 0
    assert loaded.page.title() == "Fixture account"


def test_a_large_account_opens_folded_except_the_alert_path(browser: Browser, tmp_path: Path) -> None:
    snap = fixture_snapshot()
    for n in range(12):
        cid = 7_000_000 + n
        snap["channels"].append({"channel_id": cid, "channel_name": f"Extra {n}"})
        rule = copy.deepcopy(snap["escalation_rules"][2])
        snap["escalation_rules"].append(
            {**rule, "rule_id": f"x{n:023d}", "channel_id": cid, "rule_name": f"Extra rule {n}"}
        )
    config = load_snapshot(snap)
    alert, at = ALERTS["first case, business hours"]
    loaded = open_page(browser, tmp_path, config, Simulator(config).route(alert, at=at))
    page = loaded.page
    assert page.locator("details.channel").count() == 15
    assert page.locator("details.channel[open] > summary .name").all_inner_texts() == ["Payments"]
    assert not page.locator(".rule .name", has_text="Extra rule 7").is_visible()
    page.locator("input.search").fill("extra rule 7")
    assert page.locator(".rule .name", has_text="Extra rule 7").is_visible(), "search opens what it finds"
    assert loaded.messages == []


def test_equal_priorities_are_drawn_in_the_order_the_simulator_tries_them(
    browser: Browser, tmp_path: Path
) -> None:
    snap = fixture_snapshot()
    newer, older = copy.deepcopy(snap["escalation_rules"][2]), copy.deepcopy(snap["escalation_rules"][2])
    newer.update(rule_id="f0000000000000000000000a", rule_name="Newer", created_at=1_800_000_000)
    older.update(rule_id="f0000000000000000000000b", rule_name="Older", created_at=1_700_000_000)
    snap["escalation_rules"][2:3] = [newer, older]  # listed newer first, both priority 0
    config = load_snapshot(snap)
    alert = Alert(severity="Critical", labels={"service": "checkout"}, integration_id=INTEGRATION)
    trace = Simulator(config).route(alert, at=MONDAY_10)
    loaded = open_page(browser, tmp_path, config, trace)
    checkout = loaded.page.locator(f'.channel[data-key="ch:{CHECKOUT}"]')
    assert checkout.locator(".rule.escalation .name").all_inner_texts() == ["Older", "Newer"]
    assert trace.escalation["Checkout"].rule_name == "Older"
    assert checkout.locator(".rule.escalation.hl .name").all_inner_texts() == ["Older"]
