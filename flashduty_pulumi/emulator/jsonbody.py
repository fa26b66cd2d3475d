"""Reading a JSON body so that nothing accepted can poison a later answer.

Python's json module is more permissive than JSON (and than the real server's Go decoder): it reads
`NaN`, `Infinity` and `1e999` as floats that no JSON parser accepts back, and `"\\ud800"` as a string
that cannot be encoded as UTF-8. Stored, either breaks every later read of the object. Very deep
nesting exhausts the interpreter's recursion in the parser or the validator. All of these are refused
here, once, before anything looks at the body.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 64  # the deepest request schema nests 7 levels; 64 leaves room for free-form settings


class BodyError(ValueError):
    """Why a body is not acceptable JSON (the message is safe to show to the client)."""


def _constant(name: str) -> Any:
    raise BodyError(f"{name} is not a JSON value")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyError(f"the number {text[:40]} is out of range")
    return value


def _check(value: Any) -> None:
    """Depth and Unicode checks over the parsed value, iteratively (no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    raise BodyError("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff)") from None
        elif isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise BodyError(f"the body is nested deeper than {MAX_DEPTH} levels")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def parse(raw: bytes) -> Any:
    """The body as a JSON value, or BodyError saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("the request body is not valid UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_float)
    except BodyError:
        raise
    except RecursionError:
        raise BodyError(f"the body is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # JSONDecodeError, and ints longer than Python's digit limit
        raise BodyError("the request body is not valid JSON") from None
    _check(value)
    return value
