"""HTTP client for the Flashduty API: typed calls over a stack of httpx transports (refused-key gate,
rate limiter, envelope), one retry loop with one deadline, typed errors, redaction."""

from .client import FlashdutyClient
from .config import DEFAULT_BASE_URL, ClientConfig
from .errors import (
    AccessDenied,
    ConfigurationError,
    Conflict,
    FlashdutyError,
    InvalidParameter,
    RateLimited,
    ReferenceExist,
    ResourceNotFound,
    ServerError,
    TransportError,
    Unauthorized,
    is_conflict,
    is_not_found,
    is_stale_version,
    is_transient,
    maybe_applied,
)
from .limiter import RateLimiter, process_limiter, set_process_limiter
from .redaction import RedactingFilter, redact, register_secret
from .retry import Deadline, RetryPolicy, parse_retry_after, should_retry

__all__ = [
    "DEFAULT_BASE_URL",
    "AccessDenied",
    "ClientConfig",
    "ConfigurationError",
    "Conflict",
    "Deadline",
    "FlashdutyClient",
    "FlashdutyError",
    "InvalidParameter",
    "RateLimited",
    "RateLimiter",
    "RedactingFilter",
    "ReferenceExist",
    "ResourceNotFound",
    "RetryPolicy",
    "ServerError",
    "TransportError",
    "Unauthorized",
    "is_conflict",
    "is_not_found",
    "is_stale_version",
    "is_transient",
    "maybe_applied",
    "parse_retry_after",
    "process_limiter",
    "redact",
    "register_secret",
    "set_process_limiter",
    "should_retry",
]
