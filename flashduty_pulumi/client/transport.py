"""The real transport: the process's connection pools, and the one place the app key joins a request.

The client's concerns are httpx transports stacked on this one (``client.py`` builds the stack):
each takes an ``httpx.Request`` and returns an ``httpx.Response`` like ``httpx.BaseTransport``.
The bottom of the stack is a whole ``httpx.Client`` rather than an ``HTTPTransport``, so that proxy
and certificate settings from the environment apply exactly as they do for any httpx client.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from typing import NoReturn

import httpx

USER_AGENT = "flashduty-pulumi/0.1"
HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Language": "en-US"}
# The request extension naming the API endpoint (``/route/info``): what errors report and what the
# refused-key gate remembers, whatever prefix the base URL has.
ENDPOINT = "flashduty_endpoint"

_pool_lock = threading.Lock()
_pools: dict[str, httpx.Client] = {}


def shared_http_client(base_url: str) -> httpx.Client:
    """The process's one connection pool for ``base_url`` (created on first use)."""
    with _pool_lock:
        client = _pools.get(base_url)
        if client is None or client.is_closed:
            client = httpx.Client(
                headers=HEADERS,
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


def endpoint(request: httpx.Request) -> str:
    """The API endpoint ``request`` calls."""
    return str(request.extensions.get(ENDPOINT) or request.url.path)


class AppKey(httpx.Auth):
    """Adds the app key to a request as the API wants it: the ``app_key`` query parameter."""

    def __init__(self, key: str) -> None:
        self._key = key

    def __repr__(self) -> str:
        return "AppKey('***')"

    def __reduce__(self) -> NoReturn:
        raise TypeError("AppKey holds the app key and must not be pickled")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.url = request.url.copy_merge_params({"app_key": self._key})
        yield request


class PoolTransport(httpx.BaseTransport):
    """Sends through a pool with the app key, and counts what it sent. ``pool`` is called per
    request, so a shared pool closed meanwhile (tests do) is replaced, not used closed."""

    def __init__(self, pool: Callable[[], httpx.Client], auth: AppKey) -> None:
        self._pool = pool
        self._auth = auth
        self._lock = threading.Lock()
        self.sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.sent += 1
        return self._pool().send(request, auth=self._auth)
