"""The per-resource subset of lint, run by the providers' check at preview as warnings: whatever
one rule shows on its own (values, cases, windows, match-all filters); the rest needs the whole
configuration."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError

from ...models import EscalateRuleItem, RouteItem, SilenceRuleItem
from ..config import Config
from .route import route_findings
from .rules import escalation_findings, silence_findings

__all__ = ["resource_warnings"]


def resource_warnings(kind: str, props: dict[str, Any], now: datetime | None = None) -> list[str]:
    """Warnings for one checked resource; ``kind`` is the provider's ("routing rule", "escalation
    rule", "silence rule"), ``props`` its inputs in API shape. Never raises: a shape it cannot read
    (unknowns at preview) yields no warning."""
    now = now or datetime.now(timezone.utc)
    name = props.get("rule_name")
    try:
        if kind == "routing rule":
            found = route_findings(RouteItem.model_validate(props))
        elif kind == "silence rule":
            rule = SilenceRuleItem.model_validate({**props, "rule_id": ""})
            found = silence_findings(rule, f"silence rule {name!r}", now)
        elif kind == "escalation rule":
            esc = EscalateRuleItem.model_validate({**props, "rule_id": ""})
            found = escalation_findings(esc, f"escalation rule {name!r}", Config())
        else:
            return []
    except (ValidationError, TypeError, ValueError):
        return []
    return [f"{f.where}: {f.message} [{f.code}]" for f in found]
