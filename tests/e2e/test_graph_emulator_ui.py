"""The emulator's own view of its state, /__emulator/ui, in a real browser: it draws the stored
routes and rules with the graph's renderer, follows changes made through the API without a reload,
and lists recent requests with no app key and no webhook token anywhere on the page."""

from __future__ import annotations

from playwright.sync_api import Browser

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

TOKEN = "ui-test-secret-feishu-token-77aa"


def test_ui_draws_the_state_and_follows_changes(browser: Browser, emu: EmulatorProcess) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.goto(f"{emu.base_url}/__emulator/ui")
    page.wait_for_selector("main[data-ready=true]")
    assert page.locator("h1").inner_text() == f"Flashduty emulator: {seed.ACCOUNT_NAME}"
    names = page.locator(".channel > summary .name").all_inner_texts()
    assert sorted(names) == ["Checkout", "Payments"]
    assert page.locator(".rule").count() == 0

    # Changes through the API appear without a reload.
    emu.call(
        "/route/upsert",
        {
            "integration_id": seed.SHARED_INTEGRATION_ID,
            "cases": [
                {
                    "if": [{"key": "labels.service", "oper": "IN", "vals": ["checkout"]}],
                    "channel_ids": [seed.CHANNEL_CHECKOUT_ID],
                    "fallthrough": False,
                    "routing_mode": "standard",
                }
            ],
            "default": {"channel_ids": [seed.CHANNEL_PAYMENTS_ID]},
        },
    )
    emu.call(
        "/channel/escalate/rule/create",
        {
            "channel_id": seed.CHANNEL_PAYMENTS_ID,
            "template_id": seed.CUSTOM_TEMPLATE_ID,
            "rule_name": "Drawn live",
            "layers": [
                {
                    "target": {
                        "person_ids": [seed.BIG_MEMBER_ID],
                        "webhooks": [{"type": "feishu", "settings": {"token": TOKEN, "alias": "ops-room"}}],
                    }
                }
            ],
        },
    )
    page.wait_for_selector(".rule .name:text('Drawn live')", timeout=10_000)
    assert page.locator(".integration > summary .name").inner_text() == seed.SHARED_INTEGRATION_NAME
    assert page.locator(".case .cond").first.inner_text() == 'labels.service IN ["checkout"]'
    assert page.locator("svg.edges path.edge").count() == 2  # the case and the default
    text = page.locator("main").inner_text()
    assert "Dana Exact <dana@example.com>" in text, "the 2**53+1 member ID resolved exactly"
    assert "webhook feishu ops-room" in text

    # Recent requests: the two writes, newest first, by path and status.
    page.wait_for_function("document.querySelectorAll('tr.request').length >= 2", timeout=10_000)
    rows = page.locator("tr.request td:nth-child(4)").all_inner_texts()
    assert rows[:2] == ["/channel/escalate/rule/create", "/route/upsert"]
    assert page.locator("tr.request td:nth-child(5)").all_inner_texts()[:2] == ["200", "200"]

    html = page.content()
    assert emu.app_key not in html and TOKEN not in html
    assert errors == []
    page.close()


def test_ui_keeps_search_and_collapsed_channels_across_refreshes(
    browser: Browser, emu: EmulatorProcess
) -> None:
    page = browser.new_page()
    page.goto(f"{emu.base_url}/__emulator/ui")
    page.wait_for_selector("main[data-ready=true]")
    page.locator(".channel > summary", has_text="Checkout").click()
    page.locator("input.search").fill("pay")
    emu.call(
        "/channel/silence/rule/create",
        {
            "channel_id": seed.CHANNEL_PAYMENTS_ID,
            "rule_name": "Quiet night",
            "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
            "time_filters": [{"start": "01:00", "end": "03:00", "repeat": [0, 6]}],
        },
    )
    page.wait_for_selector(".rule .name:text('Quiet night')", timeout=10_000)
    assert page.locator("input.search").input_value() == "pay"
    assert page.locator(".channel:visible > summary .name").all_inner_texts() == ["Payments"]
    checkout = page.locator(f'details.channel[data-key="ch:{seed.CHANNEL_CHECKOUT_ID}"]')
    assert checkout.get_attribute("open") is None
    page.close()
