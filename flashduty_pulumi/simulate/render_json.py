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
        "route": {
            "integration_id": trace.route.integration_id,
            "found": trace.route.found,
            "cases": [
                {
                    "index": c.index,
                    "matched": c.matched,
                    "reason": c.reason,
                    "channel_ids": list(c.channel_ids),
                }
                for c in trace.route.cases
            ],
            "default_used": trace.route.default_used,
            "channel_ids": list(trace.route.channel_ids),
            "note": trace.route.note,
        },
        "channels": trace.channels,
        "outcomes": [dataclasses.asdict(o) for o in trace.outcomes],
    }
