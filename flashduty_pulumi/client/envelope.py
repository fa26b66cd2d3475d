"""The layer where HTTP becomes Flashduty: a success envelope's ``data``, or a typed error.

Below ``EnvelopeTransport`` are httpx requests, responses and exceptions; above it, a response is
always a success whose ``data`` is in ``response.extensions[DATA]``, and every failure is a
``FlashdutyError``. No httpx exception escapes (its text may hold the URL, app key included).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import ValidationError

from ..models.common import Envelope
from .errors import ConfigurationError, FlashdutyError, TransportError, error_from_response
from .redaction import redact
from .retry import parse_retry_after
from .transport import endpoint

REQUEST_ID_HEADER = "Flashcat-Request-Id"
# The response extension holding the envelope's ``data`` (None when absent or null).
DATA = "flashduty_data"

# httpx errors raised before any byte of the request reached the server: safe to resend anything.
_NOT_SENT: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class EnvelopeTransport(httpx.BaseTransport):
    """Reads the whole answer and raises the typed error it (or its absence) stands for.

    ``wall_clock`` measures a ``Retry-After`` given as an HTTP date.
    """

    def __init__(self, inner: httpx.BaseTransport, wall_clock: Callable[[], float] = time.time) -> None:
        self._inner = inner
        self._wall_clock = wall_clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = endpoint(request)
        try:
            response = self._inner.handle_request(request)
            response.read()
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise ConfigurationError(
                f"cannot build a request URL for {path}: {type(exc).__name__}: {redact(str(exc))}"
            ) from None
        except httpx.HTTPError as exc:
            sent = not isinstance(exc, _NOT_SENT)
            detail = redact(str(exc)) or "no detail"
            raise TransportError(
                type(exc).__name__,
                f"{detail} while calling {redact(str(request.url.copy_with(query=None)))}"
                + (" (the request may have reached the server)" if sent else " (the request was not sent)"),
                path=path,
                maybe_applied=sent,
            ) from None
        response.extensions[DATA] = unwrap(response, path, self._wall_clock())
        return response


def unwrap(response: httpx.Response, path: str, now: float) -> Any:
    """The envelope's data, or the typed error the envelope (or the HTTP status) describes."""
    status = response.status_code
    header_id = response.headers.get(REQUEST_ID_HEADER)
    retry_after = parse_retry_after(response.headers.get("Retry-After"), now)
    envelope: Envelope | None = Envelope()
    if response.content:
        try:
            envelope = Envelope.model_validate_json(response.content)
        except ValidationError:
            envelope = None
    if envelope is None and status < 300:
        kind = response.headers.get("content-type", "no content type")
        raise FlashdutyError(
            "InvalidResponse",
            f"HTTP {status} with a body that is not JSON, or not a Flashduty envelope ({kind})",
            header_id,
            status,
            path=path,
        )
    request_id = header_id or (envelope.request_id if envelope else None) or None
    error = envelope.error if envelope else None
    if error is not None and not error.is_success:
        message = error.message
        if error.reason and error.reason not in message:
            message = f"{message} ({error.reason})" if message else error.reason
        raise error_from_response(error.code, message, request_id, status, path=path, retry_after=retry_after)
    if status >= 300:
        text = "" if envelope is not None else response.text[:200]
        raise error_from_response(
            "",
            f"HTTP {status} {response.reason_phrase} {text}".strip(),
            request_id,
            status,
            path=path,
            retry_after=retry_after,
        )
    return envelope.data if envelope else None
