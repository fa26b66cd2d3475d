"""One refusal per key, not one per resource: what a client remembers about 401 and 403 answers.

A wrong app key fails every call, and a key without a permission fails every call to that
endpoint. Without memory, an ``up`` of 50 rules sends 50 requests that all fail the same way, and
prints the same error 50 times. The gate:

- lets the first request of the client go alone (every other request waits for its answer), and
  then the first request to each endpoint (others to that endpoint wait), so a refusal is learnt
  before a burst of concurrent calls repeats it;
- after a 401 (``Unauthorized``) refuses every further call of this client at once, and after a 403
  (``AccessDenied``) every further call to that endpoint, without sending anything. The error raised
  is the original one (same class, message, request_id), marked as not sent.

``AuthGateTransport`` is the gate as a layer of the client's transport stack, above the limiter (a
request held back here takes no rate-limit slot). One gate per ``FlashdutyClient``; the providers
and look-ups share one client per key and base URL in a process, so that is one gate per key per
process. Nothing is kept beyond the process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from .errors import AccessDenied, ConfigurationError, FlashdutyError, TransportError, Unauthorized
from .transport import endpoint

NOT_SENT = "not sent: an earlier call with this key was refused the same way"


class AuthGateTransport(httpx.BaseTransport):
    """The gate as a transport over ``inner``, which must raise ``FlashdutyError`` for failures."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self._key_lock = threading.Lock()
        self._key_answered = False  # some request got an answer other than 401
        self._path_locks: dict[str, threading.Lock] = {}
        self._answered: set[str] = set()  # endpoints that answered with anything but 401/403
        self._unauthorized: FlashdutyError | None = None
        self._denied: dict[str, FlashdutyError] = {}

    def refusal(self, path: str) -> FlashdutyError | None:
        """The remembered refusal that applies to ``path``, as a fresh error, or None."""
        with self._lock:
            known = self._unauthorized or self._denied.get(path)
        if known is None:
            return None
        message = f"{known.message} ({NOT_SENT})" if known.message else NOT_SENT
        return type(known)(known.code, message, known.request_id, known.status, path=path)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = endpoint(request)
        with self._attempt(path):
            try:
                response = self._inner.handle_request(request)
            except FlashdutyError as failure:
                self._observe(path, failure)
                raise
            self._observe(path, None)
            return response

    @contextmanager
    def _attempt(self, path: str) -> Iterator[None]:
        """Around one request to ``path``: raises a remembered refusal instead of sending, and
        holds back concurrent first requests to an endpoint until it has answered once."""
        refused = self.refusal(path)
        if refused is not None:
            raise refused
        with self._lock:
            key_answered = self._key_answered
        if not key_answered:
            # The key has not been seen to work yet: one request at a time.
            with self._key_lock, self._path(path):
                yield
            return
        with self._path(path):
            yield

    @contextmanager
    def _path(self, path: str) -> Iterator[None]:
        with self._lock:
            answered = path in self._answered
            lock = self._path_locks.setdefault(path, threading.Lock())
        if answered:
            yield
            return
        with lock:
            refused = self.refusal(path)
            if refused is not None:
                raise refused
            yield

    def _observe(self, path: str, failure: FlashdutyError | None) -> None:
        """Record the outcome of a request to ``path`` (None: it succeeded)."""
        with self._lock:
            if isinstance(failure, Unauthorized):
                self._unauthorized = self._unauthorized or failure
            elif isinstance(failure, AccessDenied):
                self._key_answered = True  # known key, missing permission
                self._denied.setdefault(path, failure)
            elif not isinstance(failure, (TransportError, ConfigurationError)):  # answered: let in
                self._key_answered = True
                self._answered.add(path)
