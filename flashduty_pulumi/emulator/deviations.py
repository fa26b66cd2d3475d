"""Where the emulator, as a server, accepts more than the letter of the spec's request schemas.

The vendor's own clients (its Terraform provider and CLI) ran against the real server, so where
they and the spec disagree they are the better evidence of what the server accepts; the server is
written in Go, whose JSON decoder reads a missing field or `null` as the zero value. Everything the
emulator itself answers must also be accepted back (read-modify-write), and it answers Go's `null`
for a nil slice or pointer.

These patches apply only to the server's validator (`SpecValidator(lenient=True)`). The default
validator keeps the spec's letter, and is what checks OUR client's requests, so our client stays
strict however lenient the server is. The README's deviations table lists these with their evidence.
"""

from __future__ import annotations

from typing import Any

# The spec writes some schemas both as components and inline (create's layers), so a patch finds its
# schema by a property that only that shape has: (marker property, property patched).

# Not required, because a Go server reads absent as the zero value.
NOT_REQUIRED: tuple[tuple[str, str], ...] = (
    # A route case. The official Terraform provider omits `fallthrough` when false: absent is false.
    ("fallthrough", "fallthrough"),
    # The field's own description: "Required when routing_mode is standard (or empty)"; the spec's
    # example answers null for a name_mapping case. Standard mode still needs it (rules.py).
    ("fallthrough", "channel_ids"),
)

# `null` accepted and read as absent, because the emulator answers exactly that null in info and
# list, and what it answers must be accepted back (the handlers read null as absent).
NULL_AS_ABSENT: tuple[tuple[str, str], ...] = (
    ("person_ids", "webhooks"),  # a target: "webhooks": null when only `by` is used
    ("fallthrough", "channel_ids"),  # a route case: null in name_mapping mode
    ("time_filters", "time_filter"),  # a silence rule: null when recurring
)


def patch(schema: dict[str, Any]) -> None:
    """Apply the server's leniency to one (copied) subschema, in place; a visitor for spec.py."""
    props = schema.get("properties")
    if not isinstance(props, dict):
        return
    for marker, prop in NOT_REQUIRED:
        if marker in props and prop in schema.get("required", ()):
            schema["required"] = [r for r in schema["required"] if r != prop]
    for marker, prop in NULL_AS_ABSENT:
        if marker in props and prop in props:
            props[prop] = {"anyOf": [{"type": "null"}, props[prop]]}
