"""The quickstart stack, up against the emulator, drawn by `flashduty-pulumi graph` from the live
account with an alert highlighted, and compared with an edited copy of its program (--diff).

The README's screenshot (docs/graph-quickstart.png) is this test's screenshot: run it with
FLASHDUTY_UPDATE_SCREENSHOTS=1 to refresh the committed file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from pulumi_cli import REPO, Stack

from flashduty_pulumi.cli import main
from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

SCREENSHOT = REPO / "docs" / "graph-quickstart.png"
SCREENSHOT_MAX_BYTES = 200_000
VIEWPORT = {"width": 1280, "height": 760}
# A Monday, 10:00 UTC: inside the quickstart's "Business hours" window.
ALERT = "severity=Critical,title=card auth 5xx,labels.service=payments-api"
AT = "2026-12-07T10:00:00+00:00"


def graph(*argv: str) -> int:
    return main(["graph", *argv])


@pytest.fixture
def quickstart(emu: EmulatorProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Stack:
    stack = Stack.from_project(REPO, tmp_path, emu.base_url, emu.app_key)
    stack.up()
    monkeypatch.setenv("FLASHDUTY_BASE_URL", emu.base_url)
    monkeypatch.setenv("FLASHDUTY_APP_KEY", emu.app_key)
    return stack


def test_quickstart_picture_from_the_live_account(
    quickstart: Stack, browser: Browser, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "quickstart.html"
    iid = str(seed.SHARED_INTEGRATION_ID)
    assert graph("--out", str(out), "--integration", iid, "--alert", ALERT, "--at", AT) == 0
    assert f"Wrote {out}" in capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    assert "placeholder-feishu-bot-token" not in html and seed.PRESET_TEMPLATE_ID not in html

    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    page.wait_for_selector("main[data-ready=true]")
    assert errors == []
    assert sorted(page.locator(".channel > summary .name").all_inner_texts()) == ["Checkout", "Payments"]
    rules = page.locator(".rule .name").all_inner_texts()
    assert {"Business hours", "ChatOps around the clock", "Database maintenance"} <= set(rules)
    assert len(rules) == 4  # two escalation and two silence rules
    assert page.locator(".case .num").all_inner_texts() == ["#1", "#2", "default"]
    # The alert: case 1 -> Payments -> "Business hours" -> the SRE team first.
    assert page.locator(".case.hl .num").all_inner_texts() == ["#1"]
    assert page.locator(".rule.escalation.hl .name").all_inner_texts() == ["Business hours"]
    assert page.locator(".chip.hl-first").all_inner_texts() == [
        "team SRE: Alice Chen, Bob Martin, Carol Diaz"
    ]

    png = page.screenshot()
    page.close()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) < SCREENSHOT_MAX_BYTES, len(png)
    if os.environ.get("FLASHDUTY_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.write_bytes(png)
    committed = SCREENSHOT.read_bytes()
    assert committed[:8] == b"\x89PNG\r\n\x1a\n" and len(committed) < SCREENSHOT_MAX_BYTES
    # Same size as this test makes (width and height from the IHDR chunk).
    assert committed[16:24] == png[16:24]


def test_diff_of_an_edited_program_against_the_live_account(
    quickstart: Stack, browser: Browser, tmp_path: Path
) -> None:
    program = tmp_path / "edited"
    shutil.copytree(REPO / "examples" / "quickstart", program)
    main = program / "__main__.py"
    source = main.read_text(encoding="utf-8")
    edited = source.replace('"max_times": 2,', '"max_times": 3,').replace(
        'rule_name="ChatOps around the clock"', 'rule_name="ChatOps, always"'
    )
    assert edited.count("max_times") == source.count("max_times") and edited != source
    main.write_text(edited, encoding="utf-8")
    out, summary = tmp_path / "diff.html", tmp_path / "diff.md"
    assert graph("--out", str(out), "--diff", "--program", str(program), "--summary", str(summary)) == 0
    md = summary.read_text(encoding="utf-8")
    assert "**changed** Payments: escalation rule 'Business hours': layer 1 changed" in md
    assert "**added** Payments: escalation rule 'ChatOps, always' added" in md
    assert (
        "**removed** Payments: escalation rule 'ChatOps around the clock' is live but not in the program"
        in md
    )
    assert md.startswith("**Flashduty:** 3 change(s)"), md
    page = browser.new_page()
    page.goto(out.as_uri())
    page.wait_for_selector("main[data-ready=true]")
    assert page.locator(".changes li").count() == 3
    assert page.locator(".layer.chg-changed").count() == 1  # layer 1 of "Business hours"
    assert page.locator(".rule.chg-added .name").all_inner_texts() == ["ChatOps, always"]
    page.close()


def test_diff_needs_a_program(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert graph("--out", str(tmp_path / "x.html"), "--diff") == 2
    assert "give --program DIR" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_unwritable_output_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    snapshot = REPO / "examples" / "routing-tests" / "fixtures.json"
    out = tmp_path / "no-such-dir" / "x.html"
    assert graph("--out", str(out), "--snapshot", str(snapshot)) == 2
    assert f"cannot write {out}: No such file or directory" in capsys.readouterr().err
