"""Keep the app key out of every string this package produces: URLs, exceptions, reprs, logs.

The key travels in the query string (``?app_key=...``), and httpx puts whole URLs in its log lines
and some exception texts, so redaction works two ways: any ``app_key=<value>`` in a text is masked,
and every registered secret is masked wherever it appears (also URL-encoded).
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"

_APP_KEY_PARAM = re.compile(r"(app_key=)[^&\s'\"<>#]*", re.IGNORECASE)
_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()
# Too short to be a real key; masking it would mangle unrelated text.
_MIN_SECRET_LEN = 4

# Loggers we scrub: ours, and httpx/httpcore which log request URLs (query string included).
SCRUBBED_LOGGERS = (
    "flashduty_pulumi",
    "flashduty_pulumi.client",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
)


def register_secret(secret: str | None) -> None:
    """Remember ``secret`` (and its URL-encoded forms) so that ``redact`` masks it everywhere."""
    global _secrets
    if not secret or len(secret) < _MIN_SECRET_LEN:
        return
    forms = {secret, quote(secret, safe=""), quote_plus(secret, safe="")}
    with _lock:
        _secrets = _secrets | forms
    install_log_filter()


def redact(text: str) -> str:
    """``text`` with every registered secret and every ``app_key=`` value replaced by ``***``."""
    # Longest first, so a secret that contains another is masked whole.
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return _APP_KEY_PARAM.sub(r"\g<1>" + MASK, text)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message (and exception text) redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw template, still scrubbed
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install_log_filter() -> None:
    """Attach the redacting filter to our loggers and httpx's (idempotent)."""
    for name in SCRUBBED_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
