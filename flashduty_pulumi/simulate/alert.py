"""The alert a simulation routes: what an integration would send, as the matcher sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SEVERITIES", "Alert"]

SEVERITIES = ("Critical", "Warning", "Info")


@dataclass(frozen=True)
class Alert:
    """``severity`` is one of Critical, Warning, Info (as Flashduty spells them).

    ``fields`` holds any other top-level key a filter may name (``alert_key``, ``status``,
    ``title_rule``, ``dedup_key``); ``labels`` the alert's labels.
    """

    severity: str = "Critical"
    title: str = ""
    description: str = ""
    integration_id: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)

    def value(self, key: str) -> str | None:
        """The alert's value for a filter key, or None when the alert has no such key."""
        if key.startswith("labels."):
            return self.labels.get(key[len("labels.") :])
        if key == "severity":
            return self.severity
        if key == "title":
            return self.title
        if key == "description":
            return self.description
        if key in ("data_source_id", "integration_id"):
            return None if self.integration_id is None else str(self.integration_id)
        return self.fields.get(key)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alert:
        """An alert from a test file's mapping; unknown keys go to ``fields``."""
        known = {"severity", "title", "description", "integration_id", "labels"}
        labels = data.get("labels") or {}
        if not isinstance(labels, dict):
            raise ValueError("alert.labels: must be a mapping of label name to value")
        iid = data.get("integration_id")
        if iid is not None and not str(iid).isdigit():
            raise ValueError(f"alert.integration_id: must be a numeric integration ID, got {iid!r}")
        return cls(
            severity=str(data.get("severity", "Critical")),
            title=str(data.get("title", "")),
            description=str(data.get("description", "")),
            integration_id=None if iid is None else int(iid),
            labels={str(k): str(v) for k, v in labels.items()},
            fields={str(k): str(v) for k, v in data.items() if k not in known},
        )
