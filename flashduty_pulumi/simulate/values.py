"""One filter value against one alert value: the five value forms of Flashduty filters.

    /re/          RE2 regular expression, searched (unanchored, as Go's MatchString)
    * or ?        wildcard over the whole value; "*" alone: the key exists
    cidr:NET      the value is an IP address inside NET
    num:OP:N      the value is a number and value OP N (gt, ge, lt, le)
    else          exact, case-sensitive

The form is decided by ``classify`` alone, so the matcher and lint always agree on it.

Regular expressions: with the optional ``google-re2`` package (the ``simulate`` extra) patterns
are compiled and matched by RE2 itself, so exactly what the server accepts is accepted. Without it
Python's ``re`` runs them, after refusing the constructs RE2 lacks (lookaround, backreferences,
atomic groups, conditionals, possessive quantifiers); what remains behaves the same in both for
ordinary patterns.
"""

from __future__ import annotations

import functools
import importlib
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Form", "ValueError_", "classify", "compile_value", "re2_problem"]

# Python constructs RE2 does not have (RE2 guarantees linear time, so it has no backtracking
# features). A pattern using one is refused, not approximated: the server would refuse it too.
_RE2_UNSUPPORTED = (
    (re.compile(r"\(\?<?[=!]"), "lookaround (?= (?! (?<= (?<! is not RE2"),
    (re.compile(r"\\[1-9]|\(\?P=\w+\)"), "backreferences are not RE2"),
    (re.compile(r"\(\?>"), "atomic groups (?> are not RE2"),
    (re.compile(r"\(\?\("), "conditionals (?( are not RE2"),
    (re.compile(r"(?<!\\)[*+?}]\+"), "possessive quantifiers (*+ ++ ?+) are not RE2"),
)


def _load_re2() -> Any:
    try:
        module = importlib.import_module("re2")
    except ImportError:
        return None
    options = module.Options()
    options.log_errors = False  # errors are reported by us, not printed by the library
    return module, options


_RE2: Any = _load_re2()

_NUM = re.compile(r"num:(gt|ge|lt|le):(.+)")
_OPS: dict[str, Callable[[float, float], bool]] = {
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}


class ValueError_(ValueError):
    """A filter value that can never work (bad regex, bad CIDR, bad number)."""


@dataclass(frozen=True)
class Form:
    kind: str  # "regex", "wildcard", "cidr", "num", "exact"
    text: str


def classify(val: str) -> Form:
    if len(val) >= 2 and val.startswith("/") and val.endswith("/"):
        return Form("regex", val[1:-1])
    if val.startswith("cidr:"):
        return Form("cidr", val[5:])
    if val.startswith("num:"):
        return Form("num", val)
    if "*" in val or "?" in val:
        return Form("wildcard", val)
    return Form("exact", val)


def re2_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a valid RE2 expression, or None."""
    if _RE2 is not None:
        module, options = _RE2
        try:
            module.compile(pattern, options)
        except module.error as exc:
            reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            return f"is not valid RE2: {reason}"
        return None
    for construct, why in _RE2_UNSUPPORTED:
        if construct.search(pattern):
            return why
    try:
        re.compile(_to_python(pattern))
    except re.error as exc:
        return f"does not compile: {exc}"
    return None


def _to_python(pattern: str) -> str:
    # RE2 spells end-of-text \z; Python spells it \Z.
    return re.sub(r"(?<!\\)\\z", r"\\Z", pattern)


def _wildcard(text: str) -> re.Pattern[str]:
    parts = (".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in text)
    return re.compile("".join(parts), re.DOTALL)


@functools.lru_cache(maxsize=4096)
def compile_value(val: str) -> Callable[[str], bool]:
    """A predicate over the alert's value (which is present); ``ValueError_`` if ``val`` is broken."""
    form = classify(val)
    if form.kind == "regex":
        problem = re2_problem(form.text)
        if problem:
            raise ValueError_(f"regex {val!r} {problem}")
        rx = _RE2[0].compile(form.text, _RE2[1]) if _RE2 is not None else re.compile(_to_python(form.text))
        return lambda v: rx.search(v) is not None
    if form.kind == "wildcard":
        if val == "*":
            return lambda v: True
        wc = _wildcard(val)
        return lambda v: wc.fullmatch(v) is not None
    if form.kind == "cidr":
        try:
            net = ipaddress.ip_network(form.text, strict=False)
        except ValueError:
            raise ValueError_(f"{val!r} is not a CIDR range (e.g. cidr:10.0.0.0/8)") from None
        return lambda v: _in_network(v, net)
    if form.kind == "num":
        m = _NUM.fullmatch(val)
        bound = _number(m.group(2)) if m else None
        if m is None or bound is None:
            raise ValueError_(f"{val!r} is not num:gt|ge|lt|le:<number>")
        op, n = _OPS[m.group(1)], bound
        return lambda v: (x := _number(v)) is not None and op(x, n)
    return lambda v: v == val


def _number(text: str) -> float | None:
    try:
        x = float(text.strip())
    except ValueError:
        return None
    return x if x == x and abs(x) != float("inf") else None


@functools.lru_cache(maxsize=16384)
def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _in_network(value: str, net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    address = _address(value)
    return address is not None and address.version == net.version and address in net
