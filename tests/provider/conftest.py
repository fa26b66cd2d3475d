"""Fixtures for the provider tier: providers configured for the emulator, in-process or in the real
provider process (``python -m pulumi.dynamic``) driven over gRPC by ``harness.py``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from harness import ProviderProcess
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from flashduty_pulumi.emulator.testing import EmulatorProcess
from flashduty_pulumi.providers import FlashdutyProvider
from flashduty_pulumi.providers.rules import clear_read_cache

P = TypeVar("P", bound=FlashdutyProvider)


def stack_config(emu: EmulatorProcess) -> dict[str, Any]:
    """The stack config the engine would send: namespaced keys, the app key among them."""
    return {"flashduty:appKey": emu.app_key, "flashduty:baseUrl": emu.base_url, "flashduty-test:other": "x"}


@pytest.fixture(autouse=True)
def fresh_read_cache() -> None:
    """Each test starts without lists cached by an earlier test's refreshes."""
    clear_read_cache()


@pytest.fixture
def configured(emu: EmulatorProcess) -> Callable[[type[P]], P]:
    """Build a provider as the provider process does: unconfigured, then configure() with stack config."""

    def make(cls: type[P]) -> P:
        provider = cls()
        provider.configure(ConfigureRequest(Config(stack_config(emu), "flashduty-test")))
        return provider

    return make


@pytest.fixture(scope="session")
def provider_process(emulator: EmulatorProcess) -> Iterator[ProviderProcess]:
    """One real provider process for the session, configured for the emulator (app key as a secret).

    The environment carries no FLASHDUTY_* variables, so only the Configure RPC can have told the
    process where and how to call.
    """
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHDUTY_")}
    with ProviderProcess(env=env) as proc:
        assert proc.get_plugin_info() == "0.1.0"
        accept = proc.configure(stack_config(emulator), secret_keys=("flashduty:appKey",))
        assert accept is False  # the dynamic provider takes secrets unwrapped
        yield proc


@pytest.fixture
def proc(provider_process: ProviderProcess, emu: EmulatorProcess) -> ProviderProcess:
    """The provider process, with the emulator reset for this test."""
    return provider_process
