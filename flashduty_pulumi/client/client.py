"""``FlashdutyClient``: one typed method per endpoint over a stack of httpx transports.

A call is a retry loop (``RetryPolicy.run``, one ``Deadline``) around one request sent down the
layers, each one concern and each an ``httpx.BaseTransport``::

    AuthGateTransport    a key refused once is not tried again (authgate.py)
    LimiterTransport     50/s and 1,000/min per process, paused by a 429's Retry-After (limiter.py)
    EnvelopeTransport    the envelope's data, or a typed FlashdutyError (envelope.py)
    PoolTransport        the shared connection pool; the app key joins here (transport.py)

Cheap to build and safe to share between threads (the Pulumi provider server runs up to four
RPCs at once). It refuses to be pickled, since it holds the app key.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NoReturn, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from ..models import (
    ChannelInfoRequest,
    ChannelItem,
    ChannelPage,
    ChannelRuleIDRequest,
    ChannelScopedListRequest,
    ListChannelsRequest,
    ListRoutesRequest,
    ListRoutesResponse,
    MemberItem,
    MemberListRequest,
    MemberPage,
    RequestModel,
    RouteInfoRequest,
    RouteItem,
    RuleCreateResponse,
    TeamInfoRequest,
    TeamItem,
    TeamListRequest,
    TeamPage,
    TemplateIDRequest,
    TemplateItem,
    TemplateListRequest,
    TemplatePage,
    UpsertRouteRequest,
)
from .authgate import AuthGateTransport
from .config import ClientConfig
from .envelope import DATA, EnvelopeTransport
from .errors import FlashdutyError
from .limiter import LimiterTransport, RateLimiter
from .redaction import install_log_filter
from .retry import Deadline
from .rule_families import ItemT, RuleFamily
from .transport import ENDPOINT, HEADERS, AppKey, PoolTransport, shared_http_client

install_log_filter()

M = TypeVar("M", bound=BaseModel)
# A stop for paging through a server that ignores the page number.
_MAX_PAGES = 10_000


class FlashdutyClient:
    """A synchronous Flashduty API client.

    ``app_key``/``base_url`` default to FLASHDUTY_APP_KEY / FLASHDUTY_BASE_URL (see ``ClientConfig``).
    Test seams: ``transport`` (an httpx transport, e.g. ``httpx.MockTransport``, under the layers in
    place of the shared pool), ``limiter``, ``clock``/``sleep``/``rand``/``wall_clock`` (retry timing).
    """

    def __init__(
        self,
        app_key: str | None = None,
        base_url: str | None = None,
        *,
        config: ClientConfig | None = None,
        transport: httpx.BaseTransport | None = None,
        limiter: RateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config if config is not None else ClientConfig.resolve(app_key, base_url)
        self._transport = transport
        self._private_http: httpx.Client | None = None
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        self._lock = threading.Lock()
        self._retry_count = 0
        self._pool = PoolTransport(self._http, AppKey(self.config.app_key))
        self._layers = AuthGateTransport(LimiterTransport(EnvelopeTransport(self._pool, wall_clock), limiter))

    # ------------------------------------------------------------------------------ plumbing

    def __repr__(self) -> str:
        return f"FlashdutyClient(base_url={self.config.base_url!r}, requests={self.request_count})"

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "FlashdutyClient holds the app key and must not be pickled (it would land in Pulumi state); "
            "create it inside the provider's configure() or methods"
        )

    @property
    def request_count(self) -> int:
        """HTTP requests sent by this client (every attempt, retries included)."""
        return self._pool.sent

    @property
    def retry_count(self) -> int:
        """How many attempts were retries."""
        return self._retry_count

    def close(self) -> None:
        """Close a private pool (the shared one lives as long as the process)."""
        with self._lock:
            if self._private_http is not None:
                self._private_http.close()
                self._private_http = None

    def _http(self) -> httpx.Client:
        if self._transport is None:
            return shared_http_client(self.config.base_url)
        with self._lock:
            if self._private_http is None:
                self._private_http = httpx.Client(transport=self._transport, headers=HEADERS)
            return self._private_http

    def deadline(self) -> Deadline:
        """A new budget of the retry policy's length, to pass to several calls of one operation."""
        return Deadline(self.config.retry.deadline, self._clock)

    def call(
        self,
        path: str,
        body: RequestModel | Mapping[str, Any],
        *,
        idempotent: bool = True,
        deadline: Deadline | None = None,
        recover: Callable[[FlashdutyError], Any] | None = None,
    ) -> Any:
        """POST ``body`` to ``path`` with retries; return the envelope's ``data`` (None if absent).

        ``idempotent=False`` (creates): after an ambiguous failure (5xx, timeout or dropped
        connection after sending) the call is not repeated and the error has ``maybe_applied=True``;
        unless ``recover`` is given: it is asked whether the failed attempt took effect, and returns
        the ``data`` to answer with, or None when it did not (then the call is repeated).
        ``deadline``: a budget shared with other calls (default: a new one for this call).
        """
        payload = body.to_body() if isinstance(body, RequestModel) else dict(body)
        cfg = self.config
        timeout = httpx.Timeout(cfg.read_timeout, connect=cfg.connect_timeout)

        def attempt(number: int) -> Any:
            if number > 1:
                with self._lock:
                    self._retry_count += 1
            request = self._http().build_request(
                "POST", cfg.base_url + path, json=payload, timeout=timeout, extensions={ENDPOINT: path}
            )
            return self._layers.handle_request(request).extensions[DATA]

        return cfg.retry.run(
            attempt,
            idempotent=idempotent,
            deadline=deadline or self.deadline(),
            sleep=self._sleep,
            rand=self._rand,
            recover=recover,
        )

    @staticmethod
    def _parse(model: type[M], data: Any, path: str) -> M:
        try:
            return model.model_validate(data if data is not None else {})
        except ValidationError as exc:
            problems = exc.errors(include_url=False)[:3]
            raise FlashdutyError(
                "InvalidResponse", f"unexpected response shape from {path}: {problems}", path=path
            ) from None

    # --------------------------------------------------------------------------------- routes

    def route_upsert(self, req: UpsertRouteRequest) -> None:
        """Create or wholly replace an integration's routing rule (retried: it is idempotent, and a
        stale ``version`` after an ambiguous retry surfaces as ``Conflict`` with ``maybe_applied``)."""
        self.call("/route/upsert", req)

    def route_info(self, integration_id: int) -> RouteItem | None:
        """The integration's routing rule, or None when it has none."""
        data = self.call("/route/info", RouteInfoRequest(integration_id=integration_id))
        return None if not data else self._parse(RouteItem, data, "/route/info")

    def route_list(self, integration_ids: Sequence[int]) -> list[RouteItem]:
        """Routing rules of several integrations (those without one are left out)."""
        if not integration_ids:
            return []
        data = self.call("/route/list", ListRoutesRequest(integration_ids=list(integration_ids)))
        return self._parse(ListRoutesResponse, data, "/route/list").items

    # --------------------------------------------------------------------- per-channel rules

    def rule_create(
        self,
        family: RuleFamily[ItemT],
        req: RequestModel,
        *,
        recover: Callable[[FlashdutyError], Any] | None = None,
    ) -> RuleCreateResponse:
        """Not repeated after an ambiguous failure unless ``recover`` (see ``call``) finds that the
        failed attempt made nothing."""
        path = family.endpoint("create")
        data = self.call(path, req, idempotent=False, recover=recover)
        return self._parse(RuleCreateResponse, data, path)

    def rule_update(self, family: RuleFamily[ItemT], req: RequestModel) -> None:
        """A full replacement (``family.update_model``)."""
        self.call(family.endpoint("update"), req)

    def rule_list(self, family: RuleFamily[ItemT], channel_id: int) -> list[ItemT]:
        """Every rule of ``family`` in the channel."""
        path = family.endpoint("list")
        data = self.call(path, ChannelScopedListRequest(channel_id=channel_id))
        return self._parse(family.list_model, data, path).items

    def rule_get(self, family: RuleFamily[ItemT], channel_id: int, rule_id: str) -> ItemT | None:
        """The rule, or None if the server returns no data. Through the info endpoint a missing rule
        raises ``ResourceNotFound``; a family without one is read through its list (None if absent)."""
        if not family.has_info:
            wanted = rule_id.lower()
            return next((r for r in self.rule_list(family, channel_id) if _rule_id(r) == wanted), None)
        data = self._on_rule(family, "info", channel_id, rule_id)
        return None if not data else self._parse(family.item_model, data, family.endpoint("info"))

    def rules_named(self, family: RuleFamily[ItemT], channel_id: int, rule_name: str) -> list[ItemT]:
        """The channel's rules called ``rule_name`` (to recover after ``maybe_applied``)."""
        return [r for r in self.rule_list(family, channel_id) if getattr(r, "rule_name", None) == rule_name]

    def rule_delete(self, family: RuleFamily[ItemT], channel_id: int, rule_id: str) -> None:
        self._on_rule(family, "delete", channel_id, rule_id)

    def rule_set_enabled(self, family: RuleFamily[ItemT], channel: int, rule_id: str, enabled: bool) -> None:
        self._on_rule(family, "enable" if enabled else "disable", channel, rule_id)

    def _on_rule(self, family: RuleFamily[ItemT], operation: str, channel_id: int, rule_id: str) -> Any:
        body = ChannelRuleIDRequest(channel_id=channel_id, rule_id=rule_id)
        return self.call(family.endpoint(operation), body)

    # ---------------------------------------------------------------------------------- look-ups

    def channel_list(self, req: ListChannelsRequest | None = None) -> ChannelPage:
        data = self.call("/channel/list", req or ListChannelsRequest())
        return self._parse(ChannelPage, data, "/channel/list")

    def channel_info(self, channel_id: int) -> ChannelItem | None:
        data = self.call("/channel/info", ChannelInfoRequest(channel_id=channel_id))
        return None if not data else self._parse(ChannelItem, data, "/channel/info")

    def template_list(self, req: TemplateListRequest | None = None) -> TemplatePage:
        data = self.call("/template/list", req or TemplateListRequest())
        return self._parse(TemplatePage, data, "/template/list")

    def template_info(self, template_id: str) -> TemplateItem | None:
        data = self.call("/template/info", TemplateIDRequest(template_id=template_id))
        return None if not data else self._parse(TemplateItem, data, "/template/info")

    def member_list(self, req: MemberListRequest | None = None) -> MemberPage:
        data = self.call("/member/list", req or MemberListRequest())
        return self._parse(MemberPage, data, "/member/list")

    def team_list(self, req: TeamListRequest | None = None) -> TeamPage:
        data = self.call("/team/list", req or TeamListRequest())
        return self._parse(TeamPage, data, "/team/list")

    def team_info(
        self, team_id: int | None = None, *, team_name: str | None = None, ref_id: str | None = None
    ) -> TeamItem | None:
        data = self.call("/team/info", TeamInfoRequest(team_id=team_id, team_name=team_name, ref_id=ref_id))
        return None if not data else self._parse(TeamItem, data, "/team/info")

    def iter_channels(self, req: ListChannelsRequest | None = None) -> Iterator[ChannelItem]:
        """Every channel matching ``req``, page after page."""
        return _pages(self.channel_list, req or ListChannelsRequest())

    def iter_templates(self, req: TemplateListRequest | None = None) -> Iterator[TemplateItem]:
        return _pages(self.template_list, req or TemplateListRequest(limit=100))

    def iter_members(self, req: MemberListRequest | None = None) -> Iterator[MemberItem]:
        return _pages(self.member_list, req or MemberListRequest(limit=100))

    def iter_teams(self, req: TeamListRequest | None = None) -> Iterator[TeamItem]:
        return _pages(self.team_list, req or TeamListRequest(limit=100))


def _rule_id(item: Any) -> str:
    return str(getattr(item, "rule_id", "")).lower()


def _pages(fetch: Callable[[Any], Any], first: Any) -> Iterator[Any]:
    """Every item of a paged list, from page ``first.p`` on. A page says it is the last by
    ``has_next_page`` where the list reports one, else by being short or reaching ``total``."""
    for p in range(first.p, first.p + _MAX_PAGES):
        page = fetch(first.model_copy(update={"p": p}))
        yield from page.items
        if "has_next_page" in type(page).model_fields:
            if not page.has_next_page or not page.items:
                return
        elif _last_page(len(page.items), first.limit, p, page.total):
            return


def _last_page(count: int, limit: int, p: int, total: int) -> bool:
    """For lists that report ``total`` but no ``has_next_page``."""
    return count == 0 or count < limit or (total > 0 and p * limit >= total)
