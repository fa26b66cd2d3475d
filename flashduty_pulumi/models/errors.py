"""Turn pydantic validation errors into ``(field path, reason)`` pairs a person can act on.

``layers[0].target`` / ``filters[0][1].oper``: the providers turn these into Pulumi CheckFailures.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails

_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")

# pydantic's wording, rephrased where it is obscure for a rule author.
_REASONS = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this object (check the spelling)",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
}


def field_path(loc: Sequence[str | int]) -> str:
    """``("layers", 0, "target")`` -> ``"layers[0].target"``; ``("filters", 0, 1, "oper")`` ->
    ``"filters[0][1].oper"``. Map keys that are not identifiers are quoted: ``m["a b"]``."""
    out = ""
    parts = list(loc)
    for i, part in enumerate(parts):
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            continue  # the previous part was a map key, already rendered as ["key"]
        elif i + 1 < len(parts) and parts[i + 1] == "[key]":
            out += f'["{part}"]'
        elif part and set(part) <= _IDENTIFIER_CHARS and not part[0].isdigit():
            out += f".{part}" if out else part
        else:
            out += f'["{part}"]'
    return out


def _reason(err: ErrorDetails) -> str:
    kind = err["type"]
    if kind in _REASONS:
        return _REASONS[kind]
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if msg.startswith("Input should be"):
        msg = "must be" + msg[len("Input should be") :]
    elif msg.startswith("String should have"):
        msg = "must have" + msg[len("String should have") :]
    elif msg.startswith("List should have"):
        msg = "must have" + msg[len("List should have") :]
    return msg.replace(" after validation", "")


def validation_failures(exc: ValidationError) -> list[tuple[str, str]]:
    """Each error of ``exc`` as ``(field path, human reason)``, in pydantic's order, de-duplicated."""
    out: list[tuple[str, str]] = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        ctx = err.get("ctx") or {}
        if err["type"] == "cross_field" and ctx.get("field"):
            loc.extend(str(ctx["field"]).split("."))  # "settings.token" is two steps down
        item = (field_path(loc), _reason(err))
        if item not in out:
            out.append(item)
    return out
