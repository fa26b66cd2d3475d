"""A local Flashduty API on loopback: the application (auth, limits, faults, the control surface).

Every API path is POST with a JSON body and the `app_key` query parameter, answered with the
documented envelopes: `{request_id, data}` on success, `{request_id, error: {code, message}}` on
failure, the request ID also in the `Flashcat-Request-Id` header. A request passes, in order:
route (404 RouteNotFound) -> method (405 MethodNotAllowed) -> injected fault -> app key
(401 Unauthorized) -> rate limit (429 RequestTooFrequently + Retry-After) -> content type
(400 InvalidContentType) -> JSON (400 BadRequest) -> permission (403 AccessDenied for the read-only
key on writes) -> request schema and prose rules (400 InvalidParameter naming the field) -> the
endpoint (api.py, routes.py, lookups.py: 400 ResourceNotFound / InvalidParameter for stored-state
problems).

The control surface under /__emulator/ needs no key, is never rate limited and is not logged:
  GET    /__emulator/health          {"ok": true}
  POST   /__emulator/reset           back to the seed; clears rules, request log, faults, limiter, config
  GET    /__emulator/requests        {"items": [...]} (?since=SEQ for newer ones); DELETE clears
  GET    /__emulator/faults          active faults; POST adds one (see faults.py); DELETE clears
  GET    /__emulator/config          {"rate_limit", "per_second", "per_minute", "empty_data"}; PUT changes
  GET    /__emulator/state           the whole stored state (seed entities, routes, rules)
  GET    /__emulator/ui              the state drawn as the alert-path picture, live, and recent requests
  POST   /__emulator/seed            add or replace entities: {"members"|"teams"|"channels"|
                                     "integrations"|"templates": [{...}, ...]}

DECISIONS: where the spec is silent or the vendor's texts disagree, each question is answered with
the reading that makes a careless client fail loudly. The code carrying each choice is marked
`# Decision N`.
 1. Route version (routes.route_upsert): with no rule yet, an omitted version or 0 creates it
    (version 1) and any other version is refused; once a rule exists, the current version updates
    it, omitted or 0 overwrites it without the check (the vendor's Terraform provider always sends
    0, its CLI documents omitting it), and any other version is stale -> 400 InvalidParameter
    naming `version` ("... version is not valid: is stale (3); the current version is 4").
    Every upsert bumps version by 1.
 2. Updates (api._escalation, api._silence) are full replacements: an omitted optional field is
    reset to its default, exactly as on create.
 3. Update keeps rule_id, status, created_at, creation order (and from_incident_id); priority comes
    from the body, so the list order may change. A disabled rule can be updated and stays disabled.
 4. info/update/enable/disable/delete of a missing, deleted or other-channel rule -> 400
    ResourceNotFound naming rule_id (deleting twice fails the second time). An unknown channel_id
    is ResourceNotFound too. enable/disable are idempotent on an existing rule.
 5. /route/info and /route/list: an unknown integration -> ResourceNotFound; a dedicated one ->
    InvalidParameter; an existing shared integration with no rule -> data null (info) / left out (list).
 6. (rules.py) name_mapping cases need `name_mapping_label` written `labels.<name>`, and
    channel_ids must be empty or absent; they are listed as `channel_ids: null`, as in the spec's example.
 7. (rules.py) Escalation priority need not be unique (ties keep creation order); update enforces
    create's ranges (priority 0-200, aggr_window 0-3600) though its schema states none.
 8. (rules.py) TimeFilter needs start and end as HH:MM with start < end (no window across
    midnight); `repeat` (0=Sunday..6) and `cal_id` are exclusive; `is_off` needs `cal_id`. Silence
    windows are evaluated in UTC; calendar windows are never "effective" (no calendars here).
 9. (rules.py) `by` lists accept email, sms, voice, push and <feishu|dingtalk|wecom|teams>_app:<id>
    only; webhook types are the older API text's list plus slack, teams, custom, with that text's
    required settings checked for the types it documents, except a bot's `alias` (today's spec:
    free-form).
10. (api._silence) A recurring silence rule lists `time_filter: null`; a one-off rule lists
    `time_filters: []`. is_effective is computed at read time (enabled and inside the window).
11. (this module) On 429 only `Retry-After` (integer seconds, >= 1) is sent; no X-RateLimit-*
    headers, so a client cannot come to depend on them. A fault can send 429 without Retry-After.
12. (routes.route_upsert) Routes cannot be disabled or deleted: there are no such paths
    (RouteNotFound), and status is always "enabled".
13. (seed.py) No API lists integrations; the seeded ones are documented in seed.py and visible
    through GET /__emulator/state.
Further choices: references to unknown templates, members, teams or route channels are
InvalidParameter naming the field (the spec's own example message is "The specified parameter
template_id is not valid."); an unknown rule channel is ResourceNotFound. Mutations answer
`data: null` (the spec: "The server returns data: null"); PUT /__emulator/config {"empty_data":
"omit"|"object"} switches to an absent `data` (Go's omitempty) or `{}` (the spec's examples).
Unknown request fields are ignored.
Where the server accepts more than the spec's letter (what the vendor's clients send, and its own
`null`s read back), the one place is deviations.py; README.md tabulates every deviation.
Bodies are read by jsonbody.py (no NaN, Infinity, lone surrogates or deep nesting); the HTTP
framing (methods, Content-Length, chunked bodies, read timeout) is httpserver.py's.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from flashduty_pulumi.emulator import DEFAULT_APP_KEY, seed, ui
from flashduty_pulumi.emulator.api import HANDLERS
from flashduty_pulumi.emulator.errors import ApiError
from flashduty_pulumi.emulator.faults import Fault, FaultSet
from flashduty_pulumi.emulator.jsonbody import BodyError, parse
from flashduty_pulumi.emulator.ratelimit import RateLimiter
from flashduty_pulumi.emulator.requestlog import RequestLog, loggable_body, redact_query
from flashduty_pulumi.emulator.spec import server_validator
from flashduty_pulumi.emulator.store import Store

MAX_BODY = 1 << 20  # bodies above 1 MiB get EntityTooLarge
EMPTY_DATA_MODES = ("null", "omit", "object")
_JSON = "application/json; charset=utf-8"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_request_id() -> str:
    """A ULID-shaped ID as in the spec's examples (01HK8XQE3Z7JM2NTFQ5YJ8P9R4): 48-bit ms time + 80
    random bits."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


@dataclass
class Config:
    """Run-time settings; PUT /__emulator/config changes the mutable ones, reset restores them."""

    app_key: str = DEFAULT_APP_KEY
    read_only_key: str | None = None
    rate_limit: bool = True
    per_second: int = 50  # the spec's x-mint limits, the same for every emulated path
    per_minute: int = 1000
    empty_data: str = "null"
    quiet: bool = True

    def public(self) -> dict[str, Any]:
        """The settings a control client may read (never the keys)."""
        return {
            k: v
            for k, v in asdict(self).items()
            if k in ("rate_limit", "per_second", "per_minute", "empty_data")
        }


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering
    error_code: str | None = None  # for the request log


def _json_reply(status: int, payload: object, headers: dict[str, str] | None = None) -> Reply:
    # allow_nan=False: an answer no JSON parser can read is a bug to hear about, never to send.
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return Reply(status, body, {"Content-Type": _JSON, **(headers or {})})


class Emulator:
    """The application: state, validation, faults, limits and the request log, behind `handle()`."""

    def __init__(self, config: Config | None = None, state_path: Path | None = None):
        self.initial = config or Config()
        self.config = Config(**asdict(self.initial))
        self.spec = server_validator()
        self.store = Store(seed.seed_state, state_path)
        self.faults = FaultSet()
        self.log = RequestLog()
        self.limiter = RateLimiter(self.config.per_second, self.config.per_minute)
        self._secrets = [k for k in (self.config.app_key, self.config.read_only_key) if k]
        self._control: dict[tuple[str, str], Callable[[Request], Reply]] = {
            ("GET", "/__emulator/health"): lambda r: _json_reply(200, {"ok": True}),
            ("POST", "/__emulator/reset"): self._reset,
            ("GET", "/__emulator/requests"): self._get_requests,
            ("DELETE", "/__emulator/requests"): self._clear_requests,
            ("GET", "/__emulator/faults"): lambda r: _json_reply(200, {"items": self.faults.to_json()}),
            ("POST", "/__emulator/faults"): self._add_fault,
            ("DELETE", "/__emulator/faults"): self._clear_faults,
            ("GET", "/__emulator/config"): lambda r: _json_reply(200, self.config.public()),
            ("PUT", "/__emulator/config"): self._put_config,
            ("GET", "/__emulator/state"): lambda r: _json_reply(200, self.store.snapshot()),
            ("POST", "/__emulator/seed"): self._seed,
            ("GET", "/__emulator/ui"): lambda r: Reply(200, ui.page(), dict(ui.HEADERS)),
        }

    # -- API ---------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/__emulator/"):
            return self._handle_control(request)
        started = time.perf_counter()
        request_id = new_request_id()
        keys = parse_qs(request.query).get("app_key")
        presented = keys[0] if keys else None
        fault: Fault | None = None
        try:
            reply, fault = self._api(request, request_id, presented)
        except Exception:  # a bug in the emulator: answer like the real server would, and say so
            traceback.print_exc(file=sys.stderr)
            reply = self._error(
                request_id, ApiError("InternalError", "Internal error in the emulator (see its stderr).")
            )
        secrets = RequestLog.secrets(self._secrets, presented)
        self.log.add(
            {
                "time": time.time(),
                "method": request.method,
                "path": request.path,
                "query": redact_query(request.query),
                "body": loggable_body(request.body, secrets) if request.body else None,
                "status": None if reply.drop else reply.status,
                "error_code": reply.error_code,
                "request_id": request_id,
                "write": request.path in HANDLERS and self.spec.is_write(request.path),
                "fault_id": fault.fault_id if fault else None,
                "dropped": reply.drop,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            }
        )
        return reply

    def _api(self, request: Request, request_id: str, presented: str | None) -> tuple[Reply, Fault | None]:
        path = request.path
        # Decision 12 also lands here: only the spec's paths exist (no /route/delete).
        if path not in HANDLERS:
            return self._error(
                request_id, ApiError("RouteNotFound", f"The requested route {path} is not found.")
            ), None
        if request.method != "POST":
            return self._error(
                request_id, ApiError("MethodNotAllowed", f"Method {request.method} is not allowed.")
            ), None
        is_write = self.spec.is_write(path)
        fault = self.faults.match(path, is_write)
        if fault is not None and fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        if fault is not None and fault.fails and not fault.after_apply:
            return self._fault_reply(request_id, fault), fault
        reply = self._serve(request, request_id, presented, path, is_write)
        if fault is not None and fault.fails:  # after_apply: the write above has happened
            return self._fault_reply(request_id, fault), fault
        return reply, fault

    def _serve(self, request: Request, request_id: str, key: str | None, path: str, is_write: bool) -> Reply:
        try:
            if not key or key not in self._secrets:
                raise ApiError("Unauthorized", "You are unauthorized.")
            if self.config.rate_limit:
                wait = self.limiter.admit(key)
                if wait is not None:
                    # Decision 11: Retry-After (integer seconds) is the only
                    # rate-limit header sent; X-RateLimit-* are not, so clients cannot rely on them.
                    return self._error(
                        request_id,
                        ApiError("RequestTooFrequently", "Request too frequently."),
                        {"Retry-After": str(wait)},
                    )
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                raise ApiError("InvalidContentType", "The Content-Type header must be application/json.")
            try:
                body = parse(request.body)
            except BodyError as error:
                raise ApiError("BadRequest", f"The request body is not acceptable: {error}.") from None
            if is_write and key == self.config.read_only_key:
                raise ApiError("AccessDenied", "Access Denied.")
            errors = self.spec.request_errors(path, body)
            if errors:
                raise ApiError.from_spec_error(errors[0])
            with self.store.lock:
                data = HANDLERS[path](self.store, body)
                if is_write:
                    self.store.commit()
        except ApiError as error:
            return self._error(request_id, error)
        envelope: dict[str, Any] = {"request_id": request_id, "data": data}
        if data is None and is_write and self.config.empty_data != "null":
            if self.config.empty_data == "omit":
                del envelope["data"]
            else:
                envelope["data"] = {}
        return _json_reply(200, envelope, {"Flashcat-Request-Id": request_id})

    def _error(self, request_id: str, error: ApiError, headers: dict[str, str] | None = None) -> Reply:
        payload = {"request_id": request_id, "error": {"code": error.code, "message": error.message}}
        reply = _json_reply(error.status, payload, {"Flashcat-Request-Id": request_id, **(headers or {})})
        reply.error_code = error.code
        return reply

    def _fault_reply(self, request_id: str, fault: Fault) -> Reply:
        if fault.drop_connection:
            return Reply(0, drop=True)
        status = fault.status or 500
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        code = fault.error_code()
        if fault.raw_body is not None or code is None:
            # A status without a documented code (502, 504) comes from a proxy, not the API: HTML.
            text = (
                fault.raw_body
                if fault.raw_body is not None
                else f"<html><body><h1>{status}</h1></body></html>"
            )
            return Reply(
                status, text.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8", **headers}
            )
        message = fault.message or f"Injected fault {fault.fault_id}."
        return self._error(request_id, ApiError(code, message, status=status), headers)

    # -- control surface ---------------------------------------------------------------------------

    def _handle_control(self, request: Request) -> Reply:
        handler = self._control.get((request.method, request.path))
        if handler is None:
            known = any(path == request.path for _, path in self._control)
            return _json_reply(
                405 if known else 404, {"error": f"no control endpoint {request.method} {request.path}"}
            )
        try:
            return handler(request)
        except ValueError as error:
            return _json_reply(400, {"error": str(error)})
        except Exception:  # a bug in the emulator: still answer, and say where to look
            traceback.print_exc(file=sys.stderr)
            return _json_reply(500, {"error": "internal error in the emulator (see its stderr)"})

    @staticmethod
    def _json_body(request: Request) -> Any:
        if not request.body:
            return {}
        try:
            return parse(request.body)
        except BodyError as error:
            raise ValueError(str(error)) from None

    def reset(self) -> None:
        self.store.reset()
        self.faults.clear()
        self.log.clear()
        self.config = Config(**asdict(self.initial))
        self.limiter = RateLimiter(self.config.per_second, self.config.per_minute)

    def _reset(self, request: Request) -> Reply:
        self.reset()
        return _json_reply(200, {"ok": True})

    def _get_requests(self, request: Request) -> Reply:
        since = parse_qs(request.query).get("since", ["0"])[0]
        if not (since.isascii() and since.isdigit()):
            raise ValueError("since must be a request sequence number")
        return _json_reply(200, {"items": self.log.entries(int(since))})

    def _clear_requests(self, request: Request) -> Reply:
        self.log.clear()
        return _json_reply(200, {"ok": True})

    def _add_fault(self, request: Request) -> Reply:
        return _json_reply(200, self.faults.add(self._json_body(request)).to_json())

    def _clear_faults(self, request: Request) -> Reply:
        self.faults.clear()
        return _json_reply(200, {"ok": True})

    def _put_config(self, request: Request) -> Reply:
        changes = self._json_body(request)
        if not isinstance(changes, dict) or set(changes) - set(self.config.public()):
            raise ValueError(f"config accepts only {sorted(self.config.public())}")
        if "rate_limit" in changes and not isinstance(changes["rate_limit"], bool):
            raise ValueError("rate_limit must be true or false")
        for name in ("per_second", "per_minute"):
            value = changes.get(name, getattr(self.config, name))
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer")
        if changes.get("empty_data", self.config.empty_data) not in EMPTY_DATA_MODES:
            raise ValueError(f"empty_data must be one of {EMPTY_DATA_MODES}")
        for name, value in changes.items():
            setattr(self.config, name, value)
        if "per_second" in changes or "per_minute" in changes:
            self.limiter = RateLimiter(self.config.per_second, self.config.per_minute)
        return _json_reply(200, self.config.public())

    _SEED_IDS = {
        "members": "member_id",
        "teams": "team_id",
        "channels": "channel_id",
        "integrations": "integration_id",
        "templates": "template_id",
    }

    def _seed(self, request: Request) -> Reply:
        data = self._json_body(request)
        if not isinstance(data, dict) or set(data) - set(self._SEED_IDS):
            raise ValueError(f"seed accepts lists under {sorted(self._SEED_IDS)}")
        added: dict[str, list[Any]] = {}
        with self.store.lock:
            for collection, items in data.items():
                id_field = self._SEED_IDS[collection]
                for item in items:
                    if not isinstance(item, dict) or item.get(id_field) in (None, ""):
                        raise ValueError(f"each of {collection} needs {id_field}")
                    entity = {**seed.blank(collection), **item}
                    self.store.collection(collection)[str(item[id_field])] = entity
                    added.setdefault(collection, []).append(item[id_field])
            self.store.commit()
        return _json_reply(200, {"added": added})
