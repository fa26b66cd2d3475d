"""IDs in the program: a look-up variable where a name identifies the object, else the literal ID.

Channels, teams and templates are looked up by name, members by email, and only where that name
(or email) identifies exactly one object; otherwise the ID stays literal, with a comment saying
why. Each look-up is one variable at the top of the program, run once. Variables are named after
every rule has been scanned, in a fixed order, so the same account gives the same names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from ..models.defaults import PRESET_TEMPLATE_ID
from ..providers.raw_inputs import canonical_id
from .fetch import Directory, Snapshot
from .names import Identifiers, slug
from .pysource import Commented, Expr, py_str

__all__ = ["Kind", "Lookup", "LookupVariables"]

Kind = Literal["channel", "template", "team", "member"]

# The look-up function of each kind, in the order the program defines them.
_FUNCTIONS: dict[Kind, str] = {
    "channel": "fd.lookup_channel",
    "template": "fd.lookup_template",
    "team": "fd.lookup_team",
    "member": "fd.lookup_member",
}
_KIND_ORDER = {kind: n for n, kind in enumerate(_FUNCTIONS)}


@dataclass(frozen=True)
class Lookup:
    kind: Kind
    key: str  # the name or email looked up
    ident: Any  # the ID it resolves to (canonical)


def _by_name(kind: Kind, name: str, names: list[str], ident: Any) -> Lookup | str:
    """A look-up of ``name`` if it is one of ``names`` exactly once, else why not."""
    if not name or names.count(name) > 1:
        return f'{kind} "{name}": name not unique'
    return Lookup(kind, name, ident)


def _ids(snapshot: Snapshot) -> Iterator[tuple[Kind, Any]]:
    """Every ID the rules refer to that a look-up could stand for."""
    for rules in snapshot.channels:
        for esc in rules.escalation:
            yield "channel", esc.channel_id
            yield "template", esc.template_id
            for layer in esc.layers:
                yield from (("member", i) for i in layer.target.person_ids)
                yield from (("team", i) for i in layer.target.team_ids)
        for sil in rules.silence:
            yield "channel", sil.channel_id
    for rr in snapshot.routes:
        if rr.route is None:
            continue
        for case in rr.route.cases:
            yield from (("channel", i) for i in case.channel_ids)
        if rr.route.default is not None:
            yield from (("channel", i) for i in rr.route.default.channel_ids)


class LookupVariables:
    """Which IDs the program finds by name, and the variables that hold them."""

    def __init__(self, directory: Directory, idents: Identifiers) -> None:
        self.directory = directory
        self.idents = idents
        self.variables: dict[Lookup, str] = {}
        self._found: dict[tuple[Kind, Any], Lookup | str] = {}
        self._finders: dict[Kind, Callable[[Any], Lookup | str]] = {
            "channel": self._channel,
            "template": self._template,
            "team": self._team,
            "member": self._member,
        }

    def find(self, kind: Kind, ident: Any) -> Lookup | str:
        """The look-up for an ID, or why there is none. Each ID is resolved once per export: the
        directory is scanned, not indexed."""
        key = (kind, ident.lower() if isinstance(ident, str) else ident)
        if key not in self._found:
            self._found[key] = self._finders[kind](ident)
        return self._found[key]

    def _channel(self, channel_id: int) -> Lookup | str:
        channels = self.directory.channels
        found = next((c for c in channels if c.channel_id == channel_id), None)
        if found is None:
            return "channel not visible to this app key"
        names = [c.channel_name for c in channels]
        return _by_name("channel", found.channel_name, names, canonical_id(channel_id))

    def _team(self, team_id: int) -> Lookup | str:
        teams = self.directory.teams
        found = next((t for t in teams if t.team_id == team_id), None)
        if found is None:
            return "team not in /team/list"
        return _by_name("team", found.team_name, [t.team_name for t in teams], canonical_id(team_id))

    def _template(self, template_id: str) -> Lookup | str:
        wanted = template_id.lower()
        if wanted == PRESET_TEMPLATE_ID:
            return "the built-in preset template (name is localised)"
        templates = self.directory.templates
        found = next((t for t in templates if t.template_id.lower() == wanted), None)
        if found is None:
            item = self.directory.template(template_id)
            name = f' "{item.template_name}"' if item is not None and item.template_name else ""
            return f"template{name}: not listed, so no look-up"
        return _by_name("template", found.template_name, [t.template_name for t in templates], wanted)

    def _member(self, member_id: int) -> Lookup | str:
        # By email, trimmed and without case, as fd.lookup_member compares it.
        members = self.directory.members
        found = next((m for m in members if m.member_id == member_id), None)
        if found is None:
            return "member not in /member/list"
        email = found.email.strip()
        if not email:
            return f'member "{found.member_name}": no email to look up'
        if sum(m.email.strip().casefold() == email.casefold() for m in members) > 1:
            return f'member "{found.member_name}": email not unique'
        return Lookup("member", email, canonical_id(member_id))

    def allocate(self, snapshot: Snapshot) -> None:
        """Name a variable for each look-up the snapshot's rules use, in a fixed order."""
        found = {self.find(kind, ident) for kind, ident in _ids(snapshot)}
        wanted = sorted(
            (lk for lk in found if isinstance(lk, Lookup)),
            key=lambda lk: (_KIND_ORDER[lk.kind], lk.key, str(lk.ident)),
        )
        for lk in wanted:
            words = lk.key.split("@")[0] if lk.kind == "member" else lk.key
            self.variables[lk] = self.idents.new(lk.kind, slug(words, sep="_") or str(lk.ident))

    def ref(self, kind: Kind, ident: Any) -> Any:
        """What the program writes for an ID: its look-up variable, or the literal (and why)."""
        if kind == "template":
            found, literal = self.find(kind, ident), ident.lower()
        else:
            found, literal = self.find(kind, int(ident)), canonical_id(ident)
        if isinstance(found, str):
            return Commented(literal, found)
        var = self.variables.get(found)
        # A look-up the scan did not meet has no variable; the literal is the same ID.
        return literal if var is None else Expr(var, found.ident)

    def definitions(self) -> list[str]:
        """The program's look-up lines."""
        lines: list[str] = []
        for lk, var in sorted(self.variables.items(), key=lambda kv: (_KIND_ORDER[kv[0].kind], kv[1])):
            call = f"{_FUNCTIONS[lk.kind]}({py_str(lk.key)})"
            if isinstance(lk.ident, str) and lk.kind != "template":
                lines.append(f"{var} = str({call})  # IDs from 2**53 on travel as strings")
            else:
                lines.append(f"{var} = {call}")
        return lines
