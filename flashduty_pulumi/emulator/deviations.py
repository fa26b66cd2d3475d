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

# (component schema, property): no longer required, because a Go server reads absent as zero.
NOT_REQUIRED: tuple[tuple[str, str], ...] = (
    # The official Terraform provider omits `fallthrough` when false; absent reads as false.
    ("RouteCase", "fallthrough"),
    # The field's own description: "Required when routing_mode is standard (or empty)"; the spec's
    # example answers null for a name_mapping case. Standard mode still needs it (rules.py).
    ("RouteCase", "channel_ids"),
)

# (component schema, property): `null` accepted and read as absent, because the emulator answers
# exactly that null in info/list, and what it answers must be accepted back.
NULL_AS_ABSENT: tuple[tuple[str, str], ...] = (
    ("EscalateTarget", "webhooks"),  # "webhooks": null when only `by` is used
    ("RouteCase", "channel_ids"),  # null for a name_mapping case
    ("CreateSilenceRuleRequest", "time_filter"),  # null for a recurring silence rule
    ("UpdateSilenceRuleRequest", "time_filter"),
)


def patch_components(schemas: dict[str, Any]) -> None:
    """Apply the server's leniency to a (copied) `components.schemas` mapping, in place."""
    for name, prop in NOT_REQUIRED:
        if name not in schemas:  # the other document
            continue
        schema = schemas[name]
        schema["required"] = [r for r in schema.get("required", []) if r != prop]
    for name, prop in NULL_AS_ABSENT:
        if name not in schemas:
            continue
        props = schemas[name]["properties"]
        props[prop] = {"anyOf": [{"type": "null"}, props[prop]]}
    # The handlers read these nulls with `.get(...) or ...` / `is not None`, i.e. as absent.
