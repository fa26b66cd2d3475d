"""Fixtures and markers shared by every test tier.

A test's tier is the folder it sits in (unit, contract, provider, e2e): each test gets that folder's
marker, so `pytest -m unit` selects exactly tests/unit. The unit tier is socket-free, and that is
enforced: opening a network socket there fails the test (pytest-socket; Unix sockets stay allowed,
asyncio's event loop needs them).

`emulator` is one emulator process for the whole session; `emu` is the same process reset to the
seed data (rules, request log, faults, config cleared) before the test that asks for it.
Tier-specific fixtures belong in tests/<tier>/conftest.py; helpers every tier shares in tests/support.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flashduty_pulumi.emulator.testing import EmulatorProcess

TIERS = ("unit", "contract", "provider", "e2e")
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        tier = path.relative_to(HERE).parts[0] if path.is_relative_to(HERE) else ""
        if tier in TIERS:
            item.add_marker(tier)
        if tier == "unit":
            item.add_marker(pytest.mark.disable_socket)


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def emu(emulator: EmulatorProcess) -> EmulatorProcess:
    emulator.reset()
    return emulator
