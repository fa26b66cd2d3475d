"""The trace as plain JSON data (``flashduty-pulumi simulate --json``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from .trace import Trace

__all__ = ["trace_json"]


def trace_json(trace: Trace) -> dict[str, Any]:
    return {
        "alert": dataclasses.asdict(trace.alert),
        "at": trace.at.isoformat(),
        "local": trace.local.isoformat(),
        "pipeline": list(trace.pipeline),
        "route": dataclasses.asdict(trace.route),
        "channels": trace.channels,
        "outcomes": [dataclasses.asdict(o) for o in trace.outcomes],
    }
