"""Where to call and with which key: explicit arguments, then environment, then defaults.

Environment: ``FLASHDUTY_APP_KEY``, ``FLASHDUTY_BASE_URL``, ``FLASHDUTY_CONNECT_TIMEOUT`` and
``FLASHDUTY_TIMEOUT`` (seconds), ``FLASHDUTY_MAX_RETRIES``, ``FLASHDUTY_RETRY_DEADLINE`` (seconds).
The rate limiter reads its own variables (see ``limiter.py``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn
from urllib.parse import urlsplit

import httpx

from .errors import ConfigurationError
from .redaction import register_secret
from .retry import RetryPolicy

DEFAULT_BASE_URL = "https://api.flashcat.cloud"
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 30.0

ENV_APP_KEY = "FLASHDUTY_APP_KEY"
ENV_BASE_URL = "FLASHDUTY_BASE_URL"
ENV_CONNECT_TIMEOUT = "FLASHDUTY_CONNECT_TIMEOUT"
ENV_TIMEOUT = "FLASHDUTY_TIMEOUT"
ENV_MAX_RETRIES = "FLASHDUTY_MAX_RETRIES"
ENV_RETRY_DEADLINE = "FLASHDUTY_RETRY_DEADLINE"


@dataclass(frozen=True, repr=False)
class ClientConfig:
    """Connection settings. The app key is registered for redaction and never shown."""

    app_key: str
    base_url: str = DEFAULT_BASE_URL
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def __post_init__(self) -> None:
        if not self.app_key or not self.app_key.strip():
            raise ConfigurationError(
                "no app key: set the stack config `flashduty:appKey` (as a secret) or FLASHDUTY_APP_KEY"
            )
        register_secret(self.app_key)
        object.__setattr__(self, "base_url", normalise_base_url(self.base_url))
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ConfigurationError("timeouts must be positive numbers of seconds")

    def __repr__(self) -> str:
        return (
            f"ClientConfig(base_url={self.base_url!r}, app_key='***', "
            f"connect_timeout={self.connect_timeout}, read_timeout={self.read_timeout}, retry={self.retry!r})"
        )

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "ClientConfig holds the app key and must not be pickled (it would land in Pulumi state); "
            "build it inside the provider's configure() or methods"
        )

    @classmethod
    def resolve(
        cls,
        app_key: str | None = None,
        base_url: str | None = None,
        *,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        retry: RetryPolicy | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ClientConfig:
        """Arguments win over the environment, which wins over the defaults."""
        env = os.environ if environ is None else environ
        key = app_key or env.get(ENV_APP_KEY, "")
        url = base_url or env.get(ENV_BASE_URL, "") or DEFAULT_BASE_URL
        if retry is None:
            retry = RetryPolicy(
                max_retries=env_int(env, ENV_MAX_RETRIES, RetryPolicy.max_retries),
                deadline=_env_float(env, ENV_RETRY_DEADLINE, RetryPolicy.deadline),
            )
        return cls(
            app_key=key.strip(),
            base_url=url,
            connect_timeout=connect_timeout or _env_float(env, ENV_CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT),
            read_timeout=read_timeout or _env_float(env, ENV_TIMEOUT, DEFAULT_READ_TIMEOUT),
            retry=retry,
        )


def normalise_base_url(url: str) -> str:
    """``https://host[/prefix]`` without a trailing slash; rejects anything else."""
    url = url.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        httpx.URL(url)  # what the requests are built from must parse too
    except (ValueError, httpx.InvalidURL):
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"base URL {url!r} must look like https://api.flashcat.cloud (check flashduty:baseUrl / "
            "FLASHDUTY_BASE_URL)"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            "base URL must not carry a query string or fragment; give the app key separately"
        )
    return url


def _env_float(env: Mapping[str, Any], name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {raw!r}")
    return value


def env_int(env: Mapping[str, Any], name: str, default: int) -> int:
    """A non-negative whole number from the environment, ``default`` when unset or empty."""
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None
    if value < 0:
        raise ConfigurationError(f"{name} must not be negative, got {raw!r}")
    return value
