"""The shared base of the three providers: configuration, the client, check/diff/read plumbing.

What a Python dynamic provider has to handle itself, and where:

- **Pickling.** The engine stores the provider instance in state (``__provider``), pickled by dill.
  These classes live in an importable module, so dill pickles them *by reference*; the instance
  state is reduced to a schema number (``__getstate__``), so nothing configured (least of all the
  app key or a client) is ever pickled, and ``__provider`` holds no secret
  (``serialize_as_secret_always = False`` keeps it out of the secrets manager's way).
- **Configuration.** ``configure()`` runs once per unpickled provider in the provider process and
  reads ``flashduty:appKey`` / ``flashduty:baseUrl`` from stack config (secrets arrive unwrapped),
  falling back to FLASHDUTY_APP_KEY / FLASHDUTY_BASE_URL when the client is built.
- **Threads.** The provider server runs up to 4 RPCs at once on one cached instance; the client is
  built lazily under a module-level lock and shared (one rate limiter, one connection pool).
- **Unknowns.** At preview, values not known yet arrive as ``Unknown`` objects (or the UNKNOWN
  GUID), in any field; check skips them, diff counts them as changes.
- **Errors.** Every exception leaving a provider method is re-raised as ``ProviderError`` with a
  redacted, self-contained message and no chained cause, since the servicer puts ``str(exc)`` in
  the gRPC status and logs the traceback.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar, cast

from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ReadResult,
    ResourceProvider,
)
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret
from pydantic import ValidationError

from ..client import FlashdutyClient, redact
from ..client.config import ENV_APP_KEY, ENV_BASE_URL
from ..models import RequestModel, field_path, validation_failures
from ..models.canonical import id_values
from ..simulate.lint.preview import preview_lint
from .failures import FieldFailure
from .raw_inputs import contains_unknown, is_unknown, too_big_for_a_number, unknown_paths

PROVIDER_KEY = "__provider"
CONFIG_APP_KEY = "flashduty:appKey"
CONFIG_BASE_URL = "flashduty:baseUrl"
# Bump only with a migration: instance state is a compatibility contract with existing stacks.
SCHEMA_VERSION = 1

TOO_BIG_FOR_A_NUMBER = (
    "is a number of 2**53 or more, which Pulumi cannot carry exactly (its numbers are float64, so "
    "the ID may already have been rounded): pass this ID as a decimal string instead"
)

_CLIENT_LOCK = threading.Lock()
_CLIENTS: dict[tuple[str, str], FlashdutyClient] = {}

F = TypeVar("F", bound=Callable[..., Any])


class ProviderError(Exception):
    """A provider operation failed; the message is redacted and says what to do."""


def warn(message: str) -> None:
    """A warning the engine shows: the provider process has no engine connection for
    ``pulumi.log``, so (like ``pulumi.log.warn`` does there) it goes to stderr, which the engine
    forwards to the CLI."""
    print(f"warning: {message}", file=sys.stderr, flush=True)


def reported(operation: str) -> Callable[[F], F]:
    """Re-raise anything ``operation`` raises as a redacted ``ProviderError`` without a cause chain."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(self: FlashdutyProvider, *args: Any, **kwargs: Any) -> Any:
            try:
                return fn(self, *args, **kwargs)
            except ProviderError as exc:
                raise ProviderError(redact(str(exc))) from None
            except Exception as exc:
                text = redact(str(exc)) or type(exc).__name__
                raise ProviderError(f"{self.kind} {operation} failed: {text}") from None

        return cast(F, inner)

    return wrap


def plain(props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties without ``__provider``, without absent (None) values, secrets unwrapped."""
    return {k: _unwrap(v) for k, v in props.items() if k != PROVIDER_KEY and v is not None}


def _unwrap(value: Any) -> Any:
    if is_rpc_secret(value):
        value = unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _related(a: str, b: str) -> bool:
    """Field path ``a`` is ``b``, inside it, or contains it (``layers[0]`` vs ``layers[0].target``)."""
    if a == b or not a or not b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer.startswith(shorter) and longer[len(shorter)] in ".[("


class FlashdutyProvider(ResourceProvider):
    """Shared plumbing; a subclass describes its kind with the class attributes below."""

    serialize_as_secret_always = False

    kind: ClassVar[str] = "resource"
    # Fields sent to the API (the request model's fields, minus rule_id/version).
    api_fields: ClassVar[tuple[str, ...]] = ()
    # Changing these replaces the resource.
    identity_fields: ClassVar[tuple[str, ...]] = ()
    # Our own inputs (not API fields) with their defaults; carried in outputs so read can rebuild
    # the inputs. Of these, ``diff_own_fields`` count as changes (the rest only matter at create).
    own_defaults: ClassVar[dict[str, Any]] = {}
    diff_own_fields: ClassVar[tuple[str, ...]] = ()
    # Outputs computed by the server.
    computed_fields: ClassVar[tuple[str, ...]] = ()
    # Replacements delete the old resource first when True.
    delete_before_replace: ClassVar[bool] = False
    # The request model whose constraints check() enforces.
    request_model: ClassVar[type[RequestModel]]

    def __init__(self) -> None:
        super().__init__()
        self._app_key: str | None = None
        self._base_url: str | None = None
        self._client: FlashdutyClient | None = None

    # ------------------------------------------------------------------ pickling and config

    def __getstate__(self) -> dict[str, Any]:
        return {"schema": SCHEMA_VERSION}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def configure(self, req: ConfigureRequest) -> None:
        key = req.config.get(CONFIG_APP_KEY)
        url = req.config.get(CONFIG_BASE_URL)
        self._app_key = str(key) if key else None
        self._base_url = str(url) if url else None

    def use_client(self, client: FlashdutyClient) -> None:
        """Use ``client`` instead of building one from config (tests, tools)."""
        self._client = client

    @property
    def client(self) -> FlashdutyClient:
        """The shared client for this provider's config, built on first use (thread-safe)."""
        if self._client is not None:
            return self._client
        key = self._app_key or os.environ.get(ENV_APP_KEY, "")
        url = self._base_url or os.environ.get(ENV_BASE_URL, "")
        with _CLIENT_LOCK:
            client = _CLIENTS.get((key, url))
            if client is None:
                client = FlashdutyClient(app_key=key or None, base_url=url or None)
                _CLIENTS[(key, url)] = client
        return client

    # ------------------------------------------------------------------ hooks for subclasses

    def own_inputs(self, props: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Our own inputs, defaults filled, and the failures among them."""
        return {}, []

    def cross_failures(self, api: dict[str, Any], own: dict[str, Any]) -> list[tuple[str, str]]:
        """Failures that involve our own inputs and API fields together."""
        return []

    def change_failures(self, olds: dict[str, Any], api: dict[str, Any]) -> list[tuple[str, str]]:
        """Failures that depend on what changed: ``olds`` are the previous inputs (empty on create)."""
        return []

    # ------------------------------------------------------------------ check

    @reported("check")
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        props = plain(news)
        own, failures = self.own_inputs(props)
        api = {k: v for k, v in props.items() if k not in self.own_defaults and k not in self.computed_fields}
        unknown = [field_path(p) for p in unknown_paths(props)]

        ids = id_values(self.request_model, api)
        too_big = [(field_path(p), TOO_BIG_FOR_A_NUMBER) for p, v in ids if too_big_for_a_number(v)]
        model: RequestModel | None = None
        try:
            model = self.request_model.model_validate(api)
            model_failures: list[tuple[str, str]] = []
        except ValidationError as exc:
            model_failures = validation_failures(exc)
        flagged = {p for p, _ in too_big}
        all_failures = [
            *failures,
            *too_big,
            *[(p, r) for p, r in model_failures if p not in flagged],
            *self.cross_failures(api, own),
            *self.change_failures(plain(olds or {}), api),
        ]
        # Never flag a value that is not known yet, nor a rule that involves one.
        all_failures = [(p, r) for p, r in all_failures if not any(_related(p, u) for u in unknown)]
        if not all_failures and not unknown:
            all_failures = preview_lint(self.kind, api)  # warnings, or failures when FLASHDUTY_LINT=error
        if all_failures:
            deduped = list(dict.fromkeys(all_failures))
            return CheckResult(props, [FieldFailure(p, r, props) for p, r in deduped])
        if model is not None and not unknown:
            checked = model.to_state(self.api_fields)
        else:
            # Preview with unknowns: the known fields in canonical form, the others as they are.
            known = {k: v for k, v in api.items() if not contains_unknown(v)}
            checked = {**api, **self.request_model.canonical_fields(known)}
        return CheckResult({**checked, **own}, [])

    # ------------------------------------------------------------------ diff

    def changed_keys(self, olds: dict[str, Any], news: dict[str, Any]) -> tuple[list[str], list[str]]:
        """The managed keys whose value differs between state outputs and checked inputs, and
        those of them that force a replacement. Unknown values count as changed."""
        olds, news = plain(olds), plain(news)
        changed: list[str] = []
        replaces: list[str] = []
        for key in (*self.api_fields, *self.diff_own_fields):
            if key in self.api_fields:  # both in canonical form: state and checked inputs
                old = olds.get(key)
                new = news.get(key)
            else:
                old = olds.get(key, self.own_defaults.get(key))
                new = news.get(key, self.own_defaults.get(key))
            if contains_unknown(new) or old != new:
                changed.append(key)
                if key in self.identity_fields:
                    replaces.append(key)
        return changed, replaces

    @reported("diff")
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed, replaces = self.changed_keys(olds, news)
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=self.delete_before_replace if replaces else None,
        )

    # ------------------------------------------------------------------ helpers for CRUD

    def split(self, props: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Checked inputs (or state) -> (API fields, own inputs with defaults)."""
        p = plain(props)
        api = {k: p[k] for k in self.api_fields if k in p}  # already canonical: check made them
        own = {k: p.get(k, d) for k, d in self.own_defaults.items()}
        return api, {k: v for k, v in own.items() if v is not None}

    def live_inputs(self, as_inputs: dict[str, Any]) -> dict[str, Any]:
        """A rule read back (``Item.as_inputs()``) in the canonical form check produces, through the
        same model; field by field where the live rule is one the model refuses (made elsewhere)."""
        try:
            return self.request_model.model_validate(as_inputs).to_state(self.api_fields)
        except ValidationError:
            body = self.request_model.canonical_fields(as_inputs)
            return {k: v for k, v in body.items() if k in self.api_fields}

    def read_result(self, id_: str, outs: dict[str, Any]) -> ReadResult:
        """``outs`` as the state after a read; the inputs are the outputs less the computed ones."""
        inputs = {k: v for k, v in outs.items() if k not in self.computed_fields}
        return ReadResult(id_=id_, outs=outs, inputs=inputs)

    @staticmethod
    def gone() -> ReadResult:
        """The resource no longer exists: the engine drops it from state."""
        return ReadResult(id_="", outs={})


def own_bool(props: dict[str, Any], name: str, default: bool, failures: list[tuple[str, str]]) -> Any:
    value = props.get(name, default)
    if is_unknown(value):
        return value
    if not isinstance(value, bool):
        failures.append((name, f"must be true or false, got {value!r}"))
    return value
