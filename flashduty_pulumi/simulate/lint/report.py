"""Findings as text, JSON or SARIF 2.1.0 (for code-scanning tools)."""

from __future__ import annotations

import json
from typing import Any

from .findings import CHECKS, Finding

__all__ = ["render_findings"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _sarif(findings: list[Finding]) -> dict[str, Any]:
    rules = [
        {"id": code, "shortDescription": {"text": text}, "defaultConfiguration": {"level": level}}
        for code, (level, text) in CHECKS.items()
    ]
    results = [
        {
            "ruleId": f.code,
            "level": f.level,
            "message": {"text": f"{f.where}: {f.message}"},
            "locations": [{"logicalLocations": [{"fullyQualifiedName": f.where, "kind": "resource"}]}],
        }
        for f in findings
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "flashduty-pulumi lint", "rules": rules}}, "results": results}],
    }


def render_findings(findings: list[Finding], fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(
            [{"code": f.code, "level": f.level, "where": f.where, "message": f.message} for f in findings],
            indent=2,
        )
    if fmt == "sarif":
        return json.dumps(_sarif(findings), indent=2)
    errors = sum(1 for f in findings if f.level == "error")
    lines = [str(f) for f in findings]
    lines.append(f"{errors} errors, {len(findings) - errors} warnings")
    return "\n".join(lines)
