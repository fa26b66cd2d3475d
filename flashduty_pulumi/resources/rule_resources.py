"""The resources users write: ``RoutingRule``, ``EscalationRule``, ``SilenceRule``.

Each is a ``pulumi.dynamic.Resource`` (type token ``pulumi-python:dynamic/flashduty:<Kind>``)
backed by the provider in ``flashduty_pulumi.providers``. The provider instance is pickled into
state by reference (an importable class and no instance state worth the name), so the provider
process runs this package's code from the same virtualenv.

Every output, computed ones included, is a key of ``props`` (``None`` for the computed ones), so
the attributes exist during preview too, where they are unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi.dynamic

from ..models.canonical import MAX_EXACT_INT
from ..providers import EscalationRuleProvider, RoutingRuleProvider, SilenceRuleProvider
from .args import (
    EscalateLayerArgs,
    FilterConditionArgs,
    IdInput,
    OnceTimeFilterArgs,
    RouteCaseArgs,
    RouteDefaultArgs,
    RouteSectionArgs,
    TimeFilterArgs,
)
from .names import claimed_name

__all__ = ["EscalationRule", "RoutingRule", "SilenceRule"]

# OR of AND groups: [[c1, c2], [c3]] means (c1 AND c2) OR c3.
FiltersInput = Sequence[pulumi.Input[Sequence[pulumi.Input[FilterConditionArgs]]]]

_RULE_COMPUTED = ("rule_id", "status", "created_at", "updated_at")
_ROUTE_COMPUTED = ("version", "status", "created_at", "updated_at")


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


def _exact(props: dict[str, Any]) -> dict[str, Any]:
    return {k: exact_ids(v) for k, v in props.items()}


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


def _with_secret_outputs(opts: pulumi.ResourceOptions | None, names: list[str]) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=names))


class RoutingRule(pulumi.dynamic.Resource, module="flashduty", name="RoutingRule"):
    """The routing rule of one shared integration: ordered ``cases``, a ``default``, ``sections``.

    There is one route per integration and the API cannot delete it: ``delete_behavior="retain"``
    (default) leaves it in Flashduty on destroy (with a warning), ``"reset"`` rewrites it to a
    default-only route to ``default.channel_ids``. Without ``adopt=True``, creating fails if the
    integration already has a route (another stack may own it); with it, the route is taken over
    (rewritten, unchanged when it already matches, so that an earlier holder sees the takeover).
    The resource ID is ``str(integration_id)``.
    """

    integration_id: pulumi.Output[Any]
    cases: pulumi.Output[list[dict[str, Any]]]
    default: pulumi.Output[dict[str, Any] | None]
    sections: pulumi.Output[list[dict[str, Any]]]
    adopt: pulumi.Output[bool]
    delete_behavior: pulumi.Output[str]
    version: pulumi.Output[int]
    status: pulumi.Output[str]
    created_at: pulumi.Output[int]
    updated_at: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        *,
        integration_id: pulumi.Input[IdInput],
        cases: pulumi.Input[Sequence[pulumi.Input[RouteCaseArgs]]] | None = None,
        default: pulumi.Input[RouteDefaultArgs] | None = None,
        sections: pulumi.Input[Sequence[pulumi.Input[RouteSectionArgs]]] | None = None,
        adopt: pulumi.Input[bool] = False,
        delete_behavior: pulumi.Input[str] = "retain",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "integration_id": integration_id,
            "cases": cases,
            "default": default,
            "sections": sections,
            "adopt": adopt,
            "delete_behavior": delete_behavior,
            **dict.fromkeys(_ROUTE_COMPUTED),
        }
        super().__init__(RoutingRuleProvider(), resource_name, _exact(props), opts)


class EscalationRule(pulumi.dynamic.Resource, module="flashduty", name="EscalationRule"):
    """An escalation rule of a channel: who is notified, how, and in which order (``layers``).

    ``enabled`` (default true) maps to the rule's enable/disable state. ``adopt_rule_id`` takes
    over an existing rule instead of creating one (rewritten, unchanged when it already matches, so
    that an earlier holder sees the takeover). ``layers`` is a secret output; in the input, each
    target's ``webhooks`` are secret (their settings carry tokens).
    The resource ID is the 24-hex ``rule_id``; changing ``channel_id`` replaces the rule.
    """

    channel_id: pulumi.Output[Any]
    rule_name: pulumi.Output[str]
    template_id: pulumi.Output[str]
    layers: pulumi.Output[list[dict[str, Any]]]
    priority: pulumi.Output[int]
    aggr_window: pulumi.Output[int]
    description: pulumi.Output[str]
    filters: pulumi.Output[list[list[dict[str, Any]]]]
    time_filters: pulumi.Output[list[dict[str, Any]]]
    enabled: pulumi.Output[bool]
    adopt_rule_id: pulumi.Output[str | None]
    rule_id: pulumi.Output[str]
    status: pulumi.Output[str]
    created_at: pulumi.Output[int]
    updated_at: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        *,
        channel_id: pulumi.Input[IdInput],
        rule_name: pulumi.Input[str],
        template_id: pulumi.Input[str],
        layers: pulumi.Input[Sequence[pulumi.Input[EscalateLayerArgs]]],
        priority: pulumi.Input[int] | None = None,
        aggr_window: pulumi.Input[int] | None = None,
        description: pulumi.Input[str] | None = None,
        filters: pulumi.Input[FiltersInput] | None = None,
        time_filters: pulumi.Input[Sequence[pulumi.Input[TimeFilterArgs]]] | None = None,
        enabled: pulumi.Input[bool] = True,
        adopt_rule_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "channel_id": channel_id,
            "rule_name": rule_name,
            "template_id": template_id,
            "layers": layers,
            "priority": priority,
            "aggr_window": aggr_window,
            "description": description,
            "filters": filters,
            "time_filters": time_filters,
            "enabled": enabled,
            "adopt_rule_id": adopt_rule_id,
            **dict.fromkeys(_RULE_COMPUTED),
        }
        props = _exact(props)
        props["layers"] = secret_layers(props["layers"])
        props["rule_name"] = claimed_name(
            "escalation rule", props["channel_id"], rule_name, resource_name, adopts=adopt_rule_id is not None
        )
        opts = _with_secret_outputs(opts, ["layers"])
        super().__init__(EscalationRuleProvider(), resource_name, props, opts)


class SilenceRule(pulumi.dynamic.Resource, module="flashduty", name="SilenceRule"):
    """A silence rule of a channel: alerts matching ``filters`` inside a window are silenced.

    Give exactly one of ``time_filter`` (one-off, unix seconds) and ``time_filters`` (recurring).
    ``enabled`` and ``adopt_rule_id`` work as for ``EscalationRule``. The resource ID is the
    24-hex ``rule_id``; changing ``channel_id`` replaces the rule.
    """

    channel_id: pulumi.Output[Any]
    rule_name: pulumi.Output[str]
    filters: pulumi.Output[list[list[dict[str, Any]]]]
    time_filter: pulumi.Output[dict[str, int] | None]
    time_filters: pulumi.Output[list[dict[str, Any]] | None]
    priority: pulumi.Output[int]
    description: pulumi.Output[str]
    is_directly_discard: pulumi.Output[bool]
    enabled: pulumi.Output[bool]
    adopt_rule_id: pulumi.Output[str | None]
    rule_id: pulumi.Output[str]
    status: pulumi.Output[str]
    created_at: pulumi.Output[int]
    updated_at: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        *,
        channel_id: pulumi.Input[IdInput],
        rule_name: pulumi.Input[str],
        filters: pulumi.Input[FiltersInput],
        time_filter: pulumi.Input[OnceTimeFilterArgs] | None = None,
        time_filters: pulumi.Input[Sequence[pulumi.Input[TimeFilterArgs]]] | None = None,
        priority: pulumi.Input[int] | None = None,
        description: pulumi.Input[str] | None = None,
        is_directly_discard: pulumi.Input[bool] | None = None,
        enabled: pulumi.Input[bool] = True,
        adopt_rule_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "channel_id": channel_id,
            "rule_name": rule_name,
            "filters": filters,
            "time_filter": time_filter,
            "time_filters": time_filters,
            "priority": priority,
            "description": description,
            "is_directly_discard": is_directly_discard,
            "enabled": enabled,
            "adopt_rule_id": adopt_rule_id,
            **dict.fromkeys(_RULE_COMPUTED),
        }
        props = _exact(props)
        props["rule_name"] = claimed_name(
            "silence rule", props["channel_id"], rule_name, resource_name, adopts=adopt_rule_id is not None
        )
        super().__init__(SilenceRuleProvider(), resource_name, props, opts)
