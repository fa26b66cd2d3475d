"""Fixtures shared by every test tier: the local Flashduty emulator.

`emulator` is one emulator process for the whole session; `emu` is the same process reset to the
seed data (rules, request log, faults, config cleared) before the test that asks for it.
Tier-specific fixtures belong in tests/<tier>/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flashduty_pulumi.emulator.testing import EmulatorProcess


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def emu(emulator: EmulatorProcess) -> EmulatorProcess:
    emulator.reset()
    return emulator
