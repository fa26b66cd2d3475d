"""Each resource checked before it is written, the way its adoption will check it.

The resource's inputs go through the provider's own ``check`` (numbers as the engine delivers
them) and are compared with what the provider reads back from the live rule: equal means the first
``pulumi up`` adopts the rule without writing. A rule the checks refuse is written commented out,
with the reason; one whose adoption would change something gets a warning comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..providers.failures import failure_text
from .pysource import render_call, resolve
from .rule_arguments import Resource

__all__ = ["engine_numbers", "resource_text", "verify"]


def engine_numbers(value: Any) -> Any:
    """``value`` as the engine hands it to a provider: every number a float (protobuf Struct)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, Mapping):
        return {k: engine_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [engine_numbers(v) for v in value]
    return value


def verify(res: Resource) -> tuple[str | None, list[str]]:
    """(why the rule cannot be declared, or None; the API fields an adoption would change)."""
    news = engine_numbers(dict(resolve(dict(res.call.kwargs))))
    result = res.provider.check({}, news)
    if result.failures:
        reasons = "; ".join(failure_text(f) for f in result.failures)
        return reasons, []
    api, own = res.provider.split(result.inputs or {})
    changed = sorted(k for k in set(api) | set(res.live_api) if api.get(k) != res.live_api.get(k))
    if res.live_enabled is not None and own.get("enabled", True) != res.live_enabled:
        changed.append("enabled")
    return None, changed


def resource_text(res: Resource, warnings: list[str]) -> tuple[str, bool]:
    """The resource's source (commented out when it cannot be declared) and whether it was kept;
    what the user must know is added to ``warnings``."""
    failure, changed = verify(res)
    lines: list[str] = [f"# {' '.join(n.split())}" for n in res.notes]
    body = render_call(res.call)
    if failure is not None:
        warnings.append(f"{res.title} was not exported (written commented out): {failure}")
        lines.append(
            f"# NOT EXPORTED: this package's checks refuse the live rule: {' '.join(failure.split())}"
        )
        lines.append("# Fix it in Flashduty (or here) and uncomment it.")
        lines += [f"# {line}" if line else "#" for line in body.splitlines()]
        return "\n".join(lines), False
    if changed:
        fields = ", ".join(changed)
        warnings.append(f"{res.title}: the first `pulumi up` would update {fields}")
        lines.append(f"# WARNING: adopting this rule would update {fields}; check them before `pulumi up`.")
    lines.append(body)
    return "\n".join(lines), True
