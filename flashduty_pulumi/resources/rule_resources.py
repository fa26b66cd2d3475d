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

from ..providers import EscalationRuleProvider, FlashdutyProvider, RoutingRuleProvider, SilenceRuleProvider
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
from .input_values import exact_ids, secret_layers
from .names import claimed_name

__all__ = ["EscalationRule", "RoutingRule", "SilenceRule"]

# OR of AND groups: [[c1, c2], [c3]] means (c1 AND c2) OR c3.
FiltersInput = Sequence[pulumi.Input[Sequence[pulumi.Input[FilterConditionArgs]]]]


def _props(provider: type[FlashdutyProvider], given: dict[str, Any]) -> dict[str, Any]:
    """The provider's inputs taken from ``given`` (the constructor's arguments), IDs made exact, and
    its computed outputs as None, so that their attributes exist at preview (where they are unknown)."""
    inputs = (*provider.api_fields, *provider.own_defaults)
    return {**{k: exact_ids(given[k]) for k in inputs}, **dict.fromkeys(provider.computed_fields)}


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
        super().__init__(RoutingRuleProvider(), resource_name, _props(RoutingRuleProvider, locals()), opts)


class _ChannelRuleOutputs:
    """The outputs every per-channel rule has, besides its own settings."""

    channel_id: pulumi.Output[Any]
    rule_name: pulumi.Output[str]
    enabled: pulumi.Output[bool]
    adopt_rule_id: pulumi.Output[str | None]
    rule_id: pulumi.Output[str]
    status: pulumi.Output[str]
    created_at: pulumi.Output[int]
    updated_at: pulumi.Output[int]


class EscalationRule(_ChannelRuleOutputs, pulumi.dynamic.Resource, module="flashduty", name="EscalationRule"):
    """An escalation rule of a channel: who is notified, how, and in which order (``layers``).

    ``enabled`` (default true) maps to the rule's enable/disable state. ``adopt_rule_id`` takes
    over an existing rule instead of creating one (rewritten, unchanged when it already matches, so
    that an earlier holder sees the takeover). ``layers`` is a secret output; in the input, each
    target's ``webhooks`` are secret (their settings carry tokens).
    The resource ID is the 24-hex ``rule_id``; changing ``channel_id`` replaces the rule.
    """

    template_id: pulumi.Output[str]
    layers: pulumi.Output[list[dict[str, Any]]]
    priority: pulumi.Output[int]
    aggr_window: pulumi.Output[int]
    description: pulumi.Output[str]
    filters: pulumi.Output[list[list[dict[str, Any]]]]
    time_filters: pulumi.Output[list[dict[str, Any]]]

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
        props = _props(EscalationRuleProvider, locals())
        props["layers"] = secret_layers(props["layers"])
        props["rule_name"] = claimed_name(
            "escalation rule", props["channel_id"], rule_name, resource_name, adopts=adopt_rule_id is not None
        )
        opts = _with_secret_outputs(opts, ["layers"])
        super().__init__(EscalationRuleProvider(), resource_name, props, opts)


class SilenceRule(_ChannelRuleOutputs, pulumi.dynamic.Resource, module="flashduty", name="SilenceRule"):
    """A silence rule of a channel: alerts matching ``filters`` inside a window are silenced.

    Give exactly one of ``time_filter`` (one-off, unix seconds) and ``time_filters`` (recurring).
    ``enabled`` and ``adopt_rule_id`` work as for ``EscalationRule``. The resource ID is the
    24-hex ``rule_id``; changing ``channel_id`` replaces the rule.
    """

    filters: pulumi.Output[list[list[dict[str, Any]]]]
    time_filter: pulumi.Output[dict[str, int] | None]
    time_filters: pulumi.Output[list[dict[str, Any]] | None]
    priority: pulumi.Output[int]
    description: pulumi.Output[str]
    is_directly_discard: pulumi.Output[bool]

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
        props = _props(SilenceRuleProvider, locals())
        props["rule_name"] = claimed_name(
            "silence rule", props["channel_id"], rule_name, resource_name, adopts=adopt_rule_id is not None
        )
        super().__init__(SilenceRuleProvider(), resource_name, props, opts)
