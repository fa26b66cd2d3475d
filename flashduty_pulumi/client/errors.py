"""Typed errors, keyed on the envelope's error CODE (the HTTP status is only informational).

Every message says what went wrong, what to do about it, and carries the request_id; every text
is passed through ``redact`` so the app key never appears.
"""

from __future__ import annotations

import re
from typing import Any

from .redaction import redact


class FlashdutyError(Exception):
    """A failed Flashduty call.

    ``code``: the envelope's error code (``""`` when there was no envelope); ``message``: the
    server's own message; ``status``: the HTTP status, if a response arrived; ``maybe_applied``:
    True when the request may have taken effect although this error was raised (a timeout or a
    dropped connection after sending, a 5xx): look the object up before trying again.
    """

    summary = "the Flashduty API call failed"
    hint = ""

    def __init__(
        self,
        code: str = "",
        message: str = "",
        request_id: str | None = None,
        status: int | None = None,
        *,
        path: str | None = None,
        maybe_applied: bool = False,
        retry_after: float | None = None,
        attempts: int = 1,
    ) -> None:
        self.code = code
        self.message = redact(message)
        self.request_id = request_id
        self.status = status
        self.path = path
        self.maybe_applied = maybe_applied
        self.retry_after = retry_after
        self.attempts = attempts
        super().__init__(code, self.message)

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        text = f"{self.summary}{where}"
        if self.message:
            text += f": {self.message}"
        facts = []
        if self.code:
            facts.append(f"code {self.code}")
        if self.status is not None:
            facts.append(f"HTTP {self.status}")
        facts.append(f"request_id {self.request_id or 'unknown'}")
        if self.attempts > 1:
            facts.append(f"after {self.attempts} attempts")
        text += f" [{', '.join(facts)}]."
        if self.hint:
            text += f" {self.hint}"
        if self.maybe_applied:
            text += " The request may have been applied anyway: check before retrying."
        return redact(text)

    def __repr__(self) -> str:
        return redact(
            f"{type(self).__name__}(code={self.code!r}, status={self.status!r}, "
            f"request_id={self.request_id!r}, path={self.path!r}, maybe_applied={self.maybe_applied!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions cross process boundaries in tests and tools; rebuild with every attribute.
        return (
            _rebuild,
            (
                type(self),
                self.code,
                self.message,
                self.request_id,
                self.status,
                self.path,
                self.maybe_applied,
                self.retry_after,
                self.attempts,
            ),
        )


def _rebuild(
    cls: type[FlashdutyError],
    code: str,
    message: str,
    request_id: str | None,
    status: int | None,
    path: str | None,
    maybe_applied: bool,
    retry_after: float | None,
    attempts: int,
) -> FlashdutyError:
    return cls(
        code,
        message,
        request_id,
        status,
        path=path,
        maybe_applied=maybe_applied,
        retry_after=retry_after,
        attempts=attempts,
    )


class ConfigurationError(FlashdutyError):
    summary = "the Flashduty client is not configured correctly"
    hint = ""

    def __init__(self, message: str) -> None:
        super().__init__("Configuration", message)

    def __str__(self) -> str:
        return redact(f"{self.summary}: {self.message}")


class InvalidParameter(FlashdutyError):
    summary = "Flashduty rejected the request as invalid"
    hint = "Fix the field the message names."


class Conflict(InvalidParameter):
    summary = "the routing rule was changed by someone else since it was read (stale version)"
    hint = "Read it again (e.g. `pulumi refresh`) and re-apply."


class ResourceNotFound(FlashdutyError):
    summary = "Flashduty could not find the object"
    hint = "It may have been deleted outside Pulumi, or an ID is wrong."


class ReferenceExist(FlashdutyError):
    summary = "Flashduty refused because other objects still reference this one"
    hint = "Remove the references first."


class Unauthorized(FlashdutyError):
    summary = "Flashduty did not accept the app key"
    hint = "Check `flashduty:appKey` (or FLASHDUTY_APP_KEY): it may be missing, mistyped, revoked or expired."


class AccessDenied(FlashdutyError):
    summary = "the app key's user lacks the permission for this call"
    hint = "Grant the user the permission (e.g. Channels Manage / Integrations Manage) or use another key."


class RateLimited(FlashdutyError):
    summary = "Flashduty rate limit hit (50 requests/s, 1,000/min per account)"
    hint = "Retries were exhausted; wait a minute or lower the client's FLASHDUTY_RATE_LIMIT_* settings."


class ServerError(FlashdutyError):
    summary = "Flashduty had a server-side problem"
    hint = "Try again later; if it persists, report the request_id to Flashduty."


class TransportError(FlashdutyError):
    """No usable HTTP response: connection refused, DNS failure, timeout, dropped connection."""

    summary = "could not talk to the Flashduty API"
    hint = "Check the base URL (flashduty:baseUrl / FLASHDUTY_BASE_URL) and the network."


# Error codes (ErrorCode in the spec) -> class. Codes not listed map by HTTP status, then to the base.
_BY_CODE: dict[str, type[FlashdutyError]] = {
    "InvalidParameter": InvalidParameter,
    "BadRequest": InvalidParameter,
    "InvalidContentType": InvalidParameter,
    "EntityTooLarge": InvalidParameter,
    "ResourceNotFound": ResourceNotFound,
    "ReferenceExist": ReferenceExist,
    "Unauthorized": Unauthorized,
    "AccessDenied": AccessDenied,
    "RequestTooFrequently": RateLimited,
    "InternalError": ServerError,
    "ServiceUnavailable": ServerError,
    "Conflict": Conflict,
}
_BY_STATUS: dict[int, type[FlashdutyError]] = {
    401: Unauthorized,
    403: AccessDenied,
    409: Conflict,
    429: RateLimited,
}
_VERSION_WORD = re.compile(r"\bversion\b", re.IGNORECASE)


def is_stale_version(code: str, message: str, status: int | None) -> bool:
    """Whether an error reports a stale route ``version``.

    The API documents no code for it: the emulator (and, we expect, the server) answers
    ``InvalidParameter`` with a message naming ``version``; HTTP 409 or a ``Conflict`` code count too.
    """
    if status == 409 or code == "Conflict":
        return True
    return code == "InvalidParameter" and bool(_VERSION_WORD.search(message))


def error_class(code: str, status: int | None) -> type[FlashdutyError]:
    """The exception class for an error code (falling back on the HTTP status)."""
    if code in _BY_CODE:
        return _BY_CODE[code]
    if status is not None:
        if status in _BY_STATUS:
            return _BY_STATUS[status]
        if status >= 500:
            return ServerError
    return FlashdutyError


def error_from_response(
    code: str,
    message: str,
    request_id: str | None,
    status: int | None,
    *,
    path: str | None = None,
    retry_after: float | None = None,
) -> FlashdutyError:
    """Build the typed error for an error envelope (or a bare HTTP error status)."""
    cls = error_class(code, status)
    if path == "/route/upsert" and is_stale_version(code, message, status):
        cls = Conflict
    return cls(code, message, request_id, status, path=path, retry_after=retry_after)


# ----------------------------------------------------------------------------------- predicates


def is_not_found(exc: BaseException) -> bool:
    """The object does not exist (ResourceNotFound, which arrives as HTTP 400)."""
    return isinstance(exc, ResourceNotFound)


def is_conflict(exc: BaseException) -> bool:
    """A stale route version: re-read and re-apply."""
    return isinstance(exc, Conflict)


def maybe_applied(exc: BaseException) -> bool:
    """The failed request may still have taken effect (look the object up before retrying)."""
    return isinstance(exc, FlashdutyError) and exc.maybe_applied


def is_transient(exc: BaseException) -> bool:
    """Worth retrying later: rate limits, server errors and network failures."""
    return isinstance(exc, (RateLimited, ServerError, TransportError))
