"""The pickled provider: tiny, by reference, free of config and clients; the lazy shared client."""

from __future__ import annotations

import base64
import threading
from typing import Any

import dill
import httpx
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from flashduty_pulumi.client import FlashdutyClient
from flashduty_pulumi.providers import (
    EscalationRuleProvider,
    FlashdutyProvider,
    ProviderError,
    RoutingRuleProvider,
    SilenceRuleProvider,
)

pytestmark = pytest.mark.unit

KINDS = [RoutingRuleProvider, EscalationRuleProvider, SilenceRuleProvider]
APP_KEY = "fd-unit-secret-app-key-0123456789"


def configured(cls: type[FlashdutyProvider], **config: str) -> FlashdutyProvider:
    provider = cls()
    provider.configure(ConfigureRequest(Config(config, "proj")))
    return provider


@pytest.mark.parametrize("cls", KINDS)
def test_serialized_provider_is_tiny_and_by_reference(cls: type[FlashdutyProvider]) -> None:
    text = serialize_provider(cls())
    assert len(text) < 200, len(text)
    raw = base64.b64decode(text)
    assert cls.__module__.encode() in raw and cls.__name__.encode() in raw  # a reference, not code
    assert cls.serialize_as_secret_always is False  # nothing secret inside, so no secret wrapping
    loaded = dill.loads(raw)
    assert type(loaded) is cls


@pytest.mark.parametrize("cls", KINDS)
def test_configuration_and_client_are_never_pickled(cls: type[FlashdutyProvider]) -> None:
    bare = serialize_provider(cls())
    provider = configured(cls, **{"flashduty:appKey": APP_KEY, "flashduty:baseUrl": "http://127.0.0.1:9"})
    assert provider.client is not None  # built (lazily) and cached
    text = serialize_provider(provider)
    assert text == bare  # same bytes as an unconfigured provider: nothing configured leaks into state
    assert APP_KEY.encode() not in base64.b64decode(text)
    loaded = dill.loads(base64.b64decode(text))
    assert loaded._app_key is None and loaded._client is None


def test_configure_reads_namespaced_stack_config() -> None:
    p = configured(
        EscalationRuleProvider, **{"flashduty:appKey": APP_KEY, "flashduty:baseUrl": "https://x.test"}
    )
    assert p.client.config.base_url == "https://x.test"
    assert p.client.config.app_key == APP_KEY


def test_environment_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHDUTY_APP_KEY", APP_KEY + "-env")
    monkeypatch.setenv("FLASHDUTY_BASE_URL", "https://env.test")
    p = configured(SilenceRuleProvider)
    assert p.client.config.base_url == "https://env.test"
    assert p.client.config.app_key == APP_KEY + "-env"


def test_missing_app_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASHDUTY_APP_KEY", raising=False)
    p = configured(RoutingRuleProvider, **{"flashduty:baseUrl": "https://nokey.test"})
    with pytest.raises(ProviderError, match="flashduty:appKey"):
        p.read("6022140857131", {"integration_id": 6022140857131})


def test_the_lazy_client_is_shared_and_thread_safe() -> None:
    config = {"flashduty:appKey": APP_KEY + "-threads", "flashduty:baseUrl": "https://threads.test"}
    providers = [configured(cls, **config) for cls in KINDS for _ in range(3)]
    seen: list[FlashdutyClient] = []
    barrier = threading.Barrier(len(providers))

    def grab(p: FlashdutyProvider) -> None:
        barrier.wait()
        seen.append(p.client)

    threads = [threading.Thread(target=grab, args=(p,)) for p in providers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 1  # one client (one limiter, one pool) for one config


def _client(handler: Any) -> FlashdutyClient:
    return FlashdutyClient(
        app_key=APP_KEY,
        base_url="https://api.test",
        transport=httpx.MockTransport(handler),
        sleep=lambda _: None,
    )


def test_app_key_never_appears_in_provider_errors() -> None:
    def echo_key(request: httpx.Request) -> httpx.Response:
        # a server (or proxy) that repeats the URL, app key included, in its error message
        return httpx.Response(
            400,
            json={
                "request_id": "r1",
                "error": {"code": "InvalidParameter", "message": f"bad request to {request.url}"},
            },
        )

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout(f"timed out reading {request.url}", request=request)

    body = {
        "channel_id": 5201314520131,
        "rule_name": "x",
        "template_id": "000000000000000000000001",
        "layers": [{"target": {"person_ids": [1], "by": {"follow_preference": True}}}],
    }
    for handler in (echo_key, refuse):
        p = EscalationRuleProvider()
        p.use_client(_client(handler))
        with pytest.raises(ProviderError) as info:
            p.create(p.check({}, body).inputs)
        assert APP_KEY not in str(info.value)
        assert info.value.__cause__ is None and info.value.__suppress_context__
        assert "escalation rule" in str(info.value) and "failed" in str(info.value)
