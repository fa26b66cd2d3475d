"""Look-ups against the emulator: exact matches, every page, clear errors, config sources."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pulumi.runtime import config as runtime_config

import flashduty_pulumi as fd
from flashduty_pulumi.client import FlashdutyClient
from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

pytestmark = pytest.mark.provider


@pytest.fixture
def client(emu: EmulatorProcess) -> FlashdutyClient:
    return FlashdutyClient(app_key=emu.app_key, base_url=emu.base_url)


def test_each_lookup_finds_the_seeded_object(client: FlashdutyClient) -> None:
    assert fd.lookup_channel("Payments", client=client) == seed.CHANNEL_PAYMENTS_ID
    assert fd.lookup_member("bob@example.com", client=client) == seed.BOB_ID
    assert fd.lookup_member(" BOB@Example.com ", client=client) == seed.BOB_ID  # emails: case-insensitive
    assert fd.lookup_member("dana@example.com", client=client) == 2**53 + 1  # exact int64
    assert fd.lookup_team("SRE", client=client) == seed.TEAM_SRE_ID
    assert fd.lookup_template(seed.CUSTOM_TEMPLATE_NAME, client=client) == seed.CUSTOM_TEMPLATE_ID
    assert fd.lookup_template("Flashduty Preset", client=client) == seed.PRESET_TEMPLATE_ID  # not listed


def test_names_match_exactly(client: FlashdutyClient, emu: EmulatorProcess) -> None:
    emu.seed(teams=[{"team_id": 4162536475999, "team_name": "SRE Platform"}])
    assert fd.lookup_team("SRE", client=client) == seed.TEAM_SRE_ID
    with pytest.raises(fd.LookupFailed, match="no team named 'sre'"):
        fd.lookup_team("sre", client=client)
    with pytest.raises(fd.LookupFailed, match="no channel named 'Pay'"):
        fd.lookup_channel("Pay", client=client)


def test_a_miss_suggests_names_that_differ_in_case_or_spelling(
    client: FlashdutyClient, emu: EmulatorProcess
) -> None:
    cases = [
        (
            fd.lookup_channel,
            "payments",
            r"no channel named 'payments' in Flashduty \(did you mean 'Payments'\?\)",
        ),
        (fd.lookup_channel, "Chekout", r"did you mean 'Checkout'\?"),
        (fd.lookup_team, "sre", r"no team named 'sre' in Flashduty \(did you mean 'SRE'\?\)"),
        (fd.lookup_member, "alice@exmaple.com", r"did you mean 'alice@example.com'\?"),
        (
            fd.lookup_template,
            seed.CUSTOM_TEMPLATE_NAME.upper(),
            rf"did you mean '{seed.CUSTOM_TEMPLATE_NAME}'\?",
        ),
    ]
    for lookup, wanted, pattern in cases:
        with pytest.raises(fd.LookupFailed, match=pattern):
            lookup(wanted, client=client)
    with pytest.raises(fd.LookupFailed, match="no channel named 'Zebra'") as nothing_close:
        fd.lookup_channel("Zebra", client=client)
    assert "did you mean" not in str(nothing_close.value)


def test_several_matches_are_an_error_naming_them(client: FlashdutyClient, emu: EmulatorProcess) -> None:
    emu.seed(
        channels=[
            {"channel_id": 5201314529001, "channel_name": "Twins", "team_id": seed.TEAM_SRE_ID},
            {"channel_id": 5201314529002, "channel_name": "Twins", "team_id": seed.TEAM_SRE_ID},
        ]
    )
    pattern = r"2 channels named 'Twins' \(IDs 520131452900[12], 520131452900[12]\)"
    with pytest.raises(fd.LookupFailed, match=pattern):
        fd.lookup_channel("Twins", client=client)


def test_every_page_is_searched(client: FlashdutyClient, emu: EmulatorProcess) -> None:
    # "Ops" and 150 teams whose names contain it; "Ops" is the oldest, so it sorts last (page 2)
    teams = [
        {"team_id": 7000000000000 + i, "team_name": f"Ops {i:03d}", "created_at": 1000 + i}
        for i in range(150)
    ]
    emu.seed(teams=[{"team_id": 6999999999999, "team_name": "Ops", "created_at": 999}, *teams])
    emu.clear_requests()
    assert fd.lookup_team("Ops", client=client) == 6999999999999
    assert [r["body"]["p"] for r in emu.requests()] == [1, 2]


@pytest.fixture
def clean_config() -> Iterator[None]:
    saved = dict(runtime_config.CONFIG.get())
    yield
    runtime_config.set_all_config(saved)


def test_config_comes_from_pulumi_config(
    emu: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, clean_config: None
) -> None:
    monkeypatch.delenv("FLASHDUTY_APP_KEY", raising=False)
    monkeypatch.delenv("FLASHDUTY_BASE_URL", raising=False)
    runtime_config.set_all_config(
        {"flashduty:appKey": emu.app_key, "flashduty:baseUrl": emu.base_url}, ["flashduty:appKey"]
    )
    assert fd.lookup_channel("Checkout") == seed.CHANNEL_CHECKOUT_ID


def test_config_falls_back_to_the_environment(
    emu: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, clean_config: None
) -> None:
    runtime_config.set_all_config({})
    monkeypatch.setenv("FLASHDUTY_APP_KEY", emu.app_key)
    monkeypatch.setenv("FLASHDUTY_BASE_URL", emu.base_url)
    assert fd.lookup_member("carol@example.com") == seed.CAROL_ID
