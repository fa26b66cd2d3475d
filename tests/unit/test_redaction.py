"""The app key never appears in exception text, reprs or log lines (ours or httpx's)."""

from __future__ import annotations

import logging
import pickle
import socket
import traceback

import httpx
import pytest

from flashduty_pulumi.client import (
    ClientConfig,
    ConfigurationError,
    FlashdutyClient,
    FlashdutyError,
    RateLimiter,
    RetryPolicy,
    TransportError,
    redact,
    register_secret,
)
from flashduty_pulumi.client.rule_families import ESCALATION_RULES

pytestmark = pytest.mark.unit

KEY = "sk_live_Zq8-x/y+z=REDACTME"  # characters that change under URL encoding


def make_client(
    handler: object | None = None, base_url: str = "http://fd.test", retries: int = 0
) -> FlashdutyClient:
    config = ClientConfig(
        app_key=KEY, base_url=base_url, retry=RetryPolicy(max_retries=retries, base_delay=0.001)
    )
    transport = httpx.MockTransport(handler) if handler is not None else None  # type: ignore[arg-type]
    return FlashdutyClient(config=config, transport=transport, limiter=RateLimiter(0, 0))


def assert_clean(text: str) -> None:
    assert KEY not in text
    assert httpx.QueryParams({"app_key": KEY}).get("app_key") not in text.replace(KEY, "")
    assert str(httpx.QueryParams({"app_key": KEY})) not in text


def full_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) + str(exc) + repr(exc)


def test_redact_masks_raw_encoded_and_query_forms() -> None:
    register_secret(KEY)
    url = str(httpx.URL("https://api.flashcat.cloud/route/info", params={"app_key": KEY}))
    assert "app_key=***" in redact(url)
    assert_clean(redact(url))
    assert redact(f"key is {KEY}!") == "key is ***!"
    assert redact("GET /x?app_key=anything&p=1") == "GET /x?app_key=***&p=1"


@pytest.mark.parametrize(
    "exc_type", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.InvalidURL]
)
def test_httpx_exceptions_that_quote_the_url(exc_type: type[Exception]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if exc_type is httpx.InvalidURL:
            raise httpx.InvalidURL(f"invalid url {request.url}")
        raise exc_type(f"failed for {request.url} (key {KEY})", request=request)  # type: ignore[call-arg]

    with pytest.raises(FlashdutyError) as info:
        make_client(handler).rule_list(ESCALATION_RULES, 1)
    assert_clean(full_text(info.value))
    assert "app_key=***" in str(info.value) or "***" in str(info.value)


@pytest.mark.enable_socket  # the unit tier's one socket: a refused loopback port, which no mock gives
def test_real_connection_refused_over_a_socket() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TransportError) as info:
        make_client(base_url=f"http://127.0.0.1:{port}", retries=1).rule_list(ESCALATION_RULES, 1)
    assert_clean(full_text(info.value))
    assert not info.value.maybe_applied


def test_server_echoing_the_key() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400, json={"error": {"code": "InvalidParameter", "message": f"bad url {request.url}"}}
        )

    with pytest.raises(FlashdutyError) as info:
        make_client(handler).rule_list(ESCALATION_RULES, 1)
    assert_clean(full_text(info.value))
    assert_clean(info.value.message)


def test_reprs_and_pickling() -> None:
    client = make_client(lambda r: httpx.Response(200, json={}))
    assert_clean(repr(client))
    assert_clean(repr(client.config))
    with pytest.raises(TypeError, match="must not be pickled"):
        pickle.dumps(client)
    with pytest.raises(TypeError, match="must not be pickled"):
        pickle.dumps(client.config)


def test_key_in_base_url_is_rejected_without_echo() -> None:
    with pytest.raises(ConfigurationError) as info:
        ClientConfig(app_key=KEY, base_url=f"https://api.flashcat.cloud/?app_key={KEY}")
    assert_clean(full_text(info.value))


def test_log_lines_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if len(seen) == 1:
            return httpx.Response(
                503, json={"error": {"code": "ServiceUnavailable", "message": str(request.url)}}
            )
        return httpx.Response(200, json={"data": {"items": []}})

    with caplog.at_level(logging.DEBUG):
        make_client(handler, retries=2).rule_list(ESCALATION_RULES, 1)
        logging.getLogger("flashduty_pulumi").warning("explicit %s", KEY)
        logging.getLogger("httpx").info("HTTP Request: POST %s", seen[0])
        try:
            raise RuntimeError(f"inner {seen[0]}")
        except RuntimeError:
            logging.getLogger("flashduty_pulumi.client").exception("failed")
    assert KEY in seen[0] or "app_key=" in seen[0]  # the real URL does carry the key
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert "retry 1" in text
    assert_clean(text)
    assert "explicit ***" in text
