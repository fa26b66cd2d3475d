"""Route checks: unreachable and shadowed cases, a missing or unreachable default, conditions
that never match, and channel IDs the account does not have."""

from __future__ import annotations

from collections.abc import Iterable

from ...models import RouteItem
from .conditions import condition_problems, list_implies
from .findings import Finding

__all__ = ["route_findings"]


def route_findings(route: RouteItem, known_channels: Iterable[int] | None = None) -> list[Finding]:
    where = f"route {route.integration_id}"
    out: list[Finding] = []
    known = set(known_channels) if known_channels is not None else None
    catch_all: int | None = None  # the first case without conditions and without fallthrough
    for i, case in enumerate(route.cases):
        here = f"{where} case {i + 1}"
        for cond in case.if_:
            out += [Finding(code, here, msg) for code, msg in condition_problems("route", cond)]
        if catch_all is not None:
            out.append(
                Finding("unreachable-case", here, f"case {catch_all + 1} matches every alert and stops there")
            )
        else:
            for j in range(i):
                earlier = route.cases[j]
                if not earlier.fallthrough and list_implies(case.if_, earlier.if_):
                    out.append(
                        Finding(
                            "shadowed-case",
                            here,
                            f"every alert it matches is taken by case {j + 1} first (no fallthrough there)",
                        )
                    )
                    break
        if (
            not case.if_
            and not case.fallthrough
            and catch_all is None
            and case.routing_mode != "name_mapping"
        ):
            catch_all = i
        if known is not None:
            for cid in case.channel_ids:
                if cid not in known:
                    out.append(
                        Finding("unknown-channel", here, f"channel {cid} does not exist in the account")
                    )
    has_default = route.default is not None and bool(route.default.channel_ids)
    if has_default and catch_all is not None:
        out.append(Finding("unreachable-default", where, f"case {catch_all + 1} catches every alert first"))
    if not has_default and catch_all is None:
        out.append(Finding("no-default", where, "alerts no case matches are dropped; add a default"))
    if has_default and known is not None and route.default is not None:
        for cid in route.default.channel_ids:
            if cid not in known:
                out.append(
                    Finding(
                        "unknown-channel", f"{where} default", f"channel {cid} does not exist in the account"
                    )
                )
    return out
