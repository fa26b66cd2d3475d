"""End-to-end fixtures: pulumi stacks (real CLI, file backend) wired to the session's emulator.

The emulator (`emulator`, `emu`) comes from tests/conftest.py. A stack costs three quick CLI calls
to set up (stack init, two config sets); the engine commands cost 1-3 s each, so tests share a
stack where the steps form one story (see test_lifecycle.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console import Console
from pulumi_cli import Stack, pulumi_bin_dir

from flashduty_pulumi.emulator.testing import EmulatorProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session", autouse=True)
def pulumi_cli() -> Path:
    """Obtain the CLI once, up front: a missing CLI errors every e2e test (never a skip)."""
    return pulumi_bin_dir()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium through playwright, one per test module (the graph tests draw pages in it)."""
    from playwright.sync_api import sync_playwright

    from flashduty_pulumi.graph.browser import chromium_path

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path())
        yield b
        b.close()


@pytest.fixture(scope="session")
def console(emulator: EmulatorProcess) -> Iterator[Console]:
    c = Console(emulator.base_url, emulator.app_key)
    yield c
    c.close()


@pytest.fixture
def new_stack(emulator: EmulatorProcess, tmp_path: Path) -> Iterator[Any]:
    """A factory of generic stacks in this test's temp dir (call it after resetting the emulator)."""
    made: list[Stack] = []

    def make(name: str = "e2e") -> Stack:
        stack = Stack.generic(tmp_path / name, emulator.base_url, emulator.app_key, name=name)
        made.append(stack)
        return stack

    yield make
