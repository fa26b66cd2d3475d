"""Names in the generated program: Pulumi resource names and Python identifiers.

Both are derived from what people see in the console (rule, channel, team names; emails) so the
program reads like something a person wrote, and both are *stable*: the same live rules give the
same names whatever order the API lists them in, because collisions are settled by sorting on the
rule's fixed identity (its ``rule_id``), never on list position.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .fetch import Snapshot

__all__ = ["Identifiers", "NameRequest", "resource_names", "route_key", "rule_key", "rule_names", "slug"]

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Names longer than this are cut (at a word boundary when there is one): a resource name is part
# of the URN and shows up in every `pulumi preview` line.
MAX_SLUG = 48


def slug(text: str, sep: str = "-", max_len: int = MAX_SLUG) -> str:
    """``"Business hours (EU)"`` -> ``"business-hours-eu"``; ASCII letters and digits only.

    Accents are folded (``"Café"`` -> ``"cafe"``); a name with no ASCII letter or digit at all
    (e.g. ``"值班"``) gives ``""`` and the caller falls back to an ID-based name.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    out = _NON_WORD.sub(sep, folded).strip(sep)
    if len(out) > max_len:
        cut = out[:max_len]
        out = cut.rsplit(sep, 1)[0] if sep in cut[max_len // 2 :] else cut
        out = out.strip(sep)
    return out


@dataclass(frozen=True)
class NameRequest:
    """One resource to name. ``key`` is its fixed identity (e.g. ``"escalation:<rule_id>"``),
    ``base`` the preferred name (the rule name's slug, may be empty), ``scope`` the slug that
    disambiguates it first (the channel's), ``kind`` the second (``"escalation"``/``"silence"``),
    ``fallback`` the name to use when ``base`` is empty (built from the ID)."""

    key: str
    base: str
    scope: str
    kind: str
    fallback: str


def resource_names(requests: Sequence[NameRequest]) -> dict[str, str]:
    """A unique resource name per request, by key.

    Each name is the first of these that no other request shares: ``base``; ``scope-base``;
    ``scope-base-kind``; then ``scope-base-kind-N`` with N = 2, 3... in key order (the first keeps
    the plain name). A request whose base is empty uses its ``fallback`` instead.
    """
    proposals: list[tuple[NameRequest, list[str]]] = []
    for req in requests:
        base = req.base or req.fallback
        ladder = [base]
        if req.scope:
            ladder.append(f"{req.scope}-{base}")
        ladder.append(f"{ladder[-1]}-{req.kind}")
        proposals.append((req, ladder))
    names: dict[str, str] = {}
    pending = sorted(proposals, key=lambda p: p[0].key)
    level = 0
    taken: set[str] = set()
    while pending:
        groups: dict[str, list[tuple[NameRequest, list[str]]]] = defaultdict(list)
        for req, ladder in pending:
            groups[ladder[min(level, len(ladder) - 1)]].append((req, ladder))
        still: list[tuple[NameRequest, list[str]]] = []
        last_level = all(level >= len(ladder) - 1 for _, ladder in pending)
        for name in sorted(groups):
            members = groups[name]
            if len(members) == 1 and name not in taken:
                names[members[0][0].key] = name
                taken.add(name)
            elif last_level:
                n = 1
                for req, _ in sorted(members, key=lambda m: m[0].key):
                    candidate = name if n == 1 and name not in taken else f"{name}-{n}"
                    while candidate in taken:
                        n += 1
                        candidate = f"{name}-{n}"
                    names[req.key] = candidate
                    taken.add(candidate)
                    n += 1
            else:
                still.extend(members)
        pending = sorted(still, key=lambda p: p[0].key)
        level += 1
    return names


def rule_key(kind: str, rule_id: str) -> str:
    """The fixed identity of a channel's rule (``kind`` escalation or silence) among the names."""
    return f"{kind}:{rule_id.lower()}"


def route_key(integration_id: int) -> str:
    """The fixed identity of an integration's routing rule (zero-padded: key order is ID order)."""
    return f"route:{integration_id:020d}"


def rule_names(snapshot: Snapshot) -> dict[str, str]:
    """The resource name of every rule in ``snapshot``, by ``rule_key`` / ``route_key``: the rule's
    name, disambiguated by its channel's, then by its kind."""
    requests: list[NameRequest] = []
    for rules in snapshot.channels:
        scope = slug(rules.channel.channel_name) or f"channel-{rules.channel.channel_id}"
        for kind, items in (("escalation", rules.escalation), ("silence", rules.silence)):
            for item in items:
                requests.append(
                    NameRequest(
                        key=rule_key(kind, item.rule_id),
                        base=slug(item.rule_name),
                        scope=scope,
                        kind=kind,
                        fallback=f"{kind}-{item.rule_id.lower()[-8:]}",
                    )
                )
    for rr in snapshot.routes:
        name = f"route-{rr.integration_id}"
        requests.append(
            NameRequest(key=route_key(rr.integration_id), base=name, scope="", kind="route", fallback=name)
        )
    return resource_names(requests)


class Identifiers:
    """Python identifiers for the program's variables, unique among themselves and never a keyword,
    a builtin the program uses, or a module name it imports."""

    RESERVED = frozenset({"pulumi", "fd", "config", "str", "int"})

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken: set[str] = set(self.RESERVED) | set(reserved)

    def new(self, prefix: str, *parts: str) -> str:
        """``new("channel", "Payments")`` -> ``channel_payments`` (``_2``, ``_3``... if taken)."""
        words = [slug(p, sep="_", max_len=40) for p in parts]
        base = "_".join(w for w in [prefix, *words] if w) or "value"
        if base[0].isdigit() or keyword.iskeyword(base):
            base = f"v_{base}"
        name, n = base, 1
        while name in self._taken:
            n += 1
            name = f"{base}_{n}"
        self._taken.add(name)
        return name
