"""The per-resource lint at ``pulumi preview``/``up``, called once from the providers' check.

Warnings by default (shown by the CLI, the run goes on). FLASHDUTY_LINT=error makes them check
failures (the run stops before writing anything); FLASHDUTY_LINT=off turns them off.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from .resource import resource_warnings

__all__ = ["ENV_LINT", "preview_lint"]

ENV_LINT = "FLASHDUTY_LINT"


# The input a finding is about, by kind and check (the check code ends each warning).
_PROPERTY = {
    "routing rule": {"no-default": "default", "unreachable-default": "default"},
    "silence rule": {"silence-milliseconds": "time_filter", "silence-over": "time_filter"},
    "escalation rule": {"unresolvable-layer": "layers"},
}
_FALLBACK = {"routing rule": "cases", "silence rule": "filters", "escalation rule": "filters"}


def _property(kind: str, warning: str) -> str:
    code = warning.rsplit("[", 1)[-1].rstrip("]")
    return _PROPERTY.get(kind, {}).get(code) or _FALLBACK.get(kind, "")


def preview_lint(kind: str, props: dict[str, Any]) -> list[tuple[str, str]]:
    """Check failures (``(property, reason)``) when asked for; otherwise warn and return []."""
    mode = os.environ.get(ENV_LINT, "warn").strip().lower()
    if mode == "off":
        return []
    warnings = resource_warnings(kind, props)
    if mode == "error":
        return [(_property(kind, w), f"lint: {w} (FLASHDUTY_LINT=error)") for w in warnings]
    for w in warnings:
        # The provider process has no engine connection for pulumi.log; stderr reaches the CLI.
        print(f"warning: lint: {w}", file=sys.stderr, flush=True)
    return []
