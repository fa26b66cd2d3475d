"""One HTTP attempt: the shared connection pool, the envelope, and error classification.

``send_once`` posts a JSON body and returns the envelope's ``data`` or raises a typed
``FlashdutyError``; it never retries (``client.py`` does) and never lets an httpx exception (whose
text may hold the URL, app key included) escape.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import ConfigurationError, FlashdutyError, TransportError, error_from_response
from .redaction import redact
from .retry import parse_retry_after

REQUEST_ID_HEADER = "Flashcat-Request-Id"
USER_AGENT = "flashduty-pulumi/0.1"

# httpx errors raised before any byte of the request reached the server: safe to resend anything.
_NOT_SENT: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

_pool_lock = threading.Lock()
_pools: dict[str, httpx.Client] = {}


def shared_http_client(base_url: str) -> httpx.Client:
    """The process's one connection pool for ``base_url`` (created on first use)."""
    with _pool_lock:
        client = _pools.get(base_url)
        if client is None or client.is_closed:
            client = httpx.Client(
                headers={"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Language": "en-US"},
                follow_redirects=False,
                limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            )
            _pools[base_url] = client
        return client


def close_shared_http_clients() -> None:
    """Close every shared pool (tests; a process exiting need not call it)."""
    with _pool_lock:
        for client in _pools.values():
            client.close()
        _pools.clear()


@dataclass(frozen=True)
class Attempt:
    """What one attempt needs besides the body."""

    url: str
    path: str
    app_key: str = field(repr=False)  # shown in pytest/rich tracebacks otherwise
    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(30.0))
    wall_clock: Callable[[], float] = time.time


def send_once(http: httpx.Client, attempt: Attempt, body: dict[str, Any]) -> Any:
    """POST ``body`` once; return ``data`` (None for absent/null) or raise a ``FlashdutyError``."""
    try:
        response = http.post(
            attempt.url,
            params={"app_key": attempt.app_key},
            json=body,
            headers={"Content-Type": "application/json"},
            timeout=attempt.timeout,
        )
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise ConfigurationError(
            f"cannot build a request URL for {attempt.path}: {type(exc).__name__}: {redact(str(exc))}"
        ) from None
    except httpx.HTTPError as exc:
        sent = not isinstance(exc, _NOT_SENT)
        detail = redact(str(exc)) or "no detail"
        raise TransportError(
            type(exc).__name__,
            f"{detail} while calling {redact(attempt.url)}"
            + (" (the request may have reached the server)" if sent else " (the request was not sent)"),
            path=attempt.path,
            maybe_applied=sent,
        ) from None
    return parse_response(response, attempt)


def parse_response(response: httpx.Response, attempt: Attempt) -> Any:
    """The envelope's data, or the typed error it (or the HTTP status) describes."""
    status = response.status_code
    header_id = response.headers.get(REQUEST_ID_HEADER)
    retry_after = parse_retry_after(response.headers.get("Retry-After"), attempt.wall_clock())
    try:
        payload = response.json() if response.content else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        payload = None
        if status < 400:
            kind = response.headers.get("content-type", "no content type")
            raise FlashdutyError(
                "InvalidResponse",
                f"HTTP {status} with a body that is not JSON ({kind})",
                header_id,
                status,
                path=attempt.path,
            ) from None
    envelope = payload if isinstance(payload, dict) else {}
    request_id = header_id or _str_or_none(envelope.get("request_id"))
    error = envelope.get("error")
    if isinstance(error, dict):
        code = str(error.get("code") or "")
        if code not in ("", "0", "OK"):
            message = str(error.get("message") or "")
            reason = error.get("reason")
            if reason and str(reason) not in message:
                message = f"{message} ({reason})" if message else str(reason)
            raise error_from_response(
                code, message, request_id, status, path=attempt.path, retry_after=retry_after
            )
    if status >= 300:
        text = "" if payload is not None else response.text[:200]
        raise error_from_response(
            "",
            f"HTTP {status} {response.reason_phrase} {text}".strip(),
            request_id,
            status,
            path=attempt.path,
            retry_after=retry_after,
        )
    return envelope.get("data")


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
