"""Python source for plain data: dicts, lists, strings, numbers, with expressions and comments.

The exporter describes each resource as a tree of plain values in which some leaves are
``Expr`` (Python code standing for a value, e.g. a look-up variable) and some nodes carry a
``Commented`` note. ``render`` lays the tree out the way a formatter would: on one line when it
fits, otherwise one item per line with a trailing comma; a comment forces its container onto
several lines and sits after its item (or above it, when the item spans lines or the line would
get too long).

Output depends on the tree alone, so the same data always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Call", "Commented", "Expr", "py_str", "render", "render_call", "resolve"]

INDENT = "    "
WIDTH = 100


@dataclass(frozen=True)
class Expr:
    """Python code (``code``) that evaluates to ``value`` when the program runs."""

    code: str
    value: Any


@dataclass(frozen=True)
class Commented:
    """``node`` with a comment for the reader (one line, no ``#``)."""

    node: Any
    comment: str


@dataclass(frozen=True)
class Call:
    """``func(*args, **kwargs)``; rendered one argument per line."""

    func: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]


def resolve(node: Any) -> Any:
    """The plain value a tree stands for (expressions replaced by their values, notes dropped)."""
    if isinstance(node, Expr):
        return node.value
    if isinstance(node, Commented):
        return resolve(node.node)
    if isinstance(node, Mapping):
        return {k: resolve(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [resolve(v) for v in node]
    return node


def py_str(text: str) -> str:
    """A double-quoted Python string literal for ``text`` (escapes only what must be escaped)."""
    out = ['"']
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(repr(ch)[1:-1])
    out.append('"')
    return "".join(out)


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return py_str(value)
    raise TypeError(f"cannot write {type(value).__name__} as Python source")


def _has_comment(node: Any) -> bool:
    if isinstance(node, Commented):
        return True
    if isinstance(node, Mapping):
        return any(_has_comment(v) for v in node.values())
    if isinstance(node, (list, tuple)):
        return any(_has_comment(v) for v in node)
    return False


def _flat(node: Any) -> str:
    """One-line form (only valid for trees without comments)."""
    if isinstance(node, Expr):
        return node.code
    if isinstance(node, Commented):
        return _flat(node.node)
    if isinstance(node, Mapping):
        return "{" + ", ".join(f"{py_str(str(k))}: {_flat(v)}" for k, v in node.items()) + "}"
    if isinstance(node, (list, tuple)):
        return "[" + ", ".join(_flat(v) for v in node) + "]"
    return _scalar(node)


def _items(node: Any) -> tuple[str, str, list[tuple[str, Any]]] | None:
    """(open, close, [(prefix, child)]) for containers, None for leaves."""
    if isinstance(node, Mapping):
        return "{", "}", [(f"{py_str(str(k))}: ", v) for k, v in node.items()]
    if isinstance(node, (list, tuple)):
        return "[", "]", [("", v) for v in node]
    return None


def render(node: Any, indent: int = 0, used: int = 0, tail: int = 0) -> str:
    """``node`` as source starting at column ``used`` on a line indented ``indent`` levels, with
    ``tail`` characters still to follow it on its last line. Continuation lines are indented."""
    if isinstance(node, Commented):
        node = node.node
    if not _has_comment(node):
        flat = _flat(node)
        if used + len(flat) + tail <= WIDTH or _items(node) is None:
            return flat
    parts = _items(node)
    if parts is None:
        return _flat(node)
    opener, closer, children = parts
    if not children:
        return opener + closer
    pad = INDENT * (indent + 1)
    lines = [opener]
    for prefix, child in children:
        lines.extend(_item_lines(prefix, child, indent + 1, pad))
    lines.append(INDENT * indent + closer)
    return "\n".join(lines)


def _item_lines(prefix: str, child: Any, indent: int, pad: str) -> list[str]:
    comment = " ".join(child.comment.split()) if isinstance(child, Commented) else None
    body = render(child, indent, len(pad) + len(prefix), 1)
    text = f"{pad}{prefix}{body},"
    if comment is None:
        return [text]
    if "\n" in body or len(text) + len(comment) + 4 > WIDTH:
        return [f"{pad}# {comment}", text]
    return [f"{text}  # {comment}"]


def render_call(call: Call, indent: int = 0) -> str:
    """``func(`` newline, one argument per line, ``)``."""
    pad = INDENT * (indent + 1)
    lines = [f"{call.func}("]
    for arg in call.args:
        lines.extend(_item_lines("", arg, indent + 1, pad))
    for name, value in call.kwargs:
        lines.extend(_item_lines(f"{name}=", value, indent + 1, pad))
    lines.append(INDENT * indent + ")")
    return "\n".join(lines)
