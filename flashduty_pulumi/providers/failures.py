"""Check failures the engine prints without ever printing an input's value.

The engine prints a failure that names a property as ``property P value {V} has a problem: R``,
with ``V`` the *top-level* input ``P`` (so a whole ``layers`` list, webhook tokens and all, when its
secretness was lost on the way: a dynamic provider receives secrets unwrapped and cannot tell) and
``{<nil>}`` for a nested path, which reads as if the value were missing. A failure that names no
property is printed as ``resource 'x' has a problem: R``. So every failure names none, and its
reason is self-contained: the field's path, the rule broken, and the value given when it is a
number, a boolean or null (never a string: it may be a secret).
"""

from __future__ import annotations

import re
from typing import Any

from pulumi.dynamic import CheckFailure

# A reason starting with one of these reads on from the path ("layers must be a list").
_VERBS = frozenset({"must", "is", "has", "have", "needs", "cannot", "can", "was", "are", "should"})
_STEP = re.compile(r"\[(\d+)\]|\[\"([^\"]*)\"\]|\.?([^.\[]+)")


class FieldFailure(CheckFailure):
    """A check failure on ``path``, sent to the engine with the path in its reason (``property``
    stays empty so that the engine prints no value)."""

    path: str

    def __init__(self, path: str, reason: str, props: dict[str, Any]) -> None:
        joined = f"{path} {reason}" if reason.split(" ", 1)[0] in _VERBS else f"{path}: {reason}"
        super().__init__("", f"{joined}{_given(path, reason, props)}" if path else reason)
        self.path = path


def _given(path: str, reason: str, props: dict[str, Any]) -> str:
    found, value = _lookup(props, path)
    if not found or "got " in reason:
        return ""
    if value is None:
        return " (got null)"
    if isinstance(value, dict) and reason == "must be a list":
        return ", got one object: wrap it in [ ... ]"
    if isinstance(value, bool):
        return f" (got {str(value).lower()})"
    if isinstance(value, (int, float)):
        return f" (got {int(value) if float(value).is_integer() else value})"
    return ""


def _lookup(value: Any, path: str) -> tuple[bool, Any]:
    """The value at ``layers[0].notify_step`` in ``value``: (found, value)."""
    for index, key, name in _STEP.findall(path):
        if index and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        elif (key or name) and isinstance(value, dict) and (key or name) in value:
            value = value[key or name]
        else:
            return False, None
    return True, value


def failure_text(failure: CheckFailure) -> str:
    """One failure as a line for people: its reason, after the property when it names one."""
    return f"{failure.property}: {failure.reason}" if failure.property else failure.reason
