"""What a resource does to its input values before they reach the engine: int64 IDs too large for
the engine's float64 numbers become decimal strings, and the webhooks of escalation targets (their
settings carry tokens) become secrets."""

from __future__ import annotations

from typing import Any

import pulumi

from ..models.canonical import MAX_EXACT_INT


def exact_ids(value: Any) -> Any:
    """``value`` with every Python int of 2**53 or more turned into its decimal string.

    The engine carries numbers as float64, which cannot hold such an int exactly (2**53 + 1 arrives
    as 2**53), while IDs this large are common (and a look-up may return one). As a string the ID
    survives the engine, and the provider turns it back into the exact int64. Plain values are
    walked; Outputs (and awaitables) are converted when they resolve, keeping their secretness
    and unknowns. Floats are left alone: they may already be rounded, so check refuses them.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) >= MAX_EXACT_INT else value
    if isinstance(value, str) or value is None or isinstance(value, float):
        return value
    if isinstance(value, dict):
        return {_exact_key(k): exact_ids(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [exact_ids(v) for v in value]
    # An Output or an awaitable: convert what it resolves to; nested Outputs are resolved too.
    return pulumi.Output.from_input(value).apply(lambda got: pulumi.Output.from_input(exact_ids(got)))


def _exact_key(key: Any) -> Any:
    """Map keys (``schedule_to_role_ids`` is keyed by schedule ID) as strings when too large."""
    if isinstance(key, int) and not isinstance(key, bool) and abs(key) >= MAX_EXACT_INT:
        return str(key)
    return key


def secret_layers(layers: Any) -> Any:
    """``layers`` with the ``webhooks`` of every target as a secret (their settings carry tokens).

    Only the webhooks are wrapped: the layers, their targets and every other value stay as given,
    so a value not known at preview leaves the rest of the structure visible and checkable. Where a
    layer, a target or the whole list is itself an Output, its webhooks are marked when it resolves.
    """
    if layers is None:
        return None
    if isinstance(layers, (list, tuple)):
        return [_secret_layer(layer) for layer in layers]
    if isinstance(layers, dict):
        return _secret_layer(layers)  # one layer without its brackets: check says to wrap it
    if isinstance(layers, (str, int, float, bool)):
        return layers
    return pulumi.Output.from_input(layers).apply(lambda got: pulumi.Output.from_input(secret_layers(got)))


def _secret_layer(layer: Any) -> Any:
    if isinstance(layer, dict):
        target = layer.get("target")
        return layer if target is None else {**layer, "target": _secret_target(target)}
    if layer is None or isinstance(layer, (str, int, float, bool, list, tuple)):
        return layer  # not a layer: check says so
    return pulumi.Output.from_input(layer).apply(lambda got: pulumi.Output.from_input(_secret_layer(got)))


def _secret_target(target: Any) -> Any:
    if isinstance(target, dict):
        hooks = target.get("webhooks")
        if hooks is None or (isinstance(hooks, (list, tuple)) and not hooks):
            return target
        return {**target, "webhooks": pulumi.Output.secret(hooks)}
    if target is None or isinstance(target, (str, int, float, bool, list, tuple)):
        return target
    return pulumi.Output.from_input(target).apply(lambda got: pulumi.Output.from_input(_secret_target(got)))
