"""The typed inputs users write (TypedDicts, resource keyword arguments) agree with the request
models that check them: the same field names, the same required fields, the same nesting."""

from __future__ import annotations

import inspect
import re
import typing
from typing import Any

import pulumi
import pytest
from pydantic import BaseModel
from typing_extensions import is_typeddict

from flashduty_pulumi.models import (
    CreateEscalationRuleRequest,
    CreateSilenceRuleRequest,
    EscalateLayer,
    EscalateTarget,
    FilterCondition,
    NotifyBy,
    OnceTimeFilter,
    TimeFilter,
    WebhookTarget,
)
from flashduty_pulumi.models.route import RouteCase, RouteDefault, RouteSection, UpsertRouteRequest
from flashduty_pulumi.providers import (
    EscalationRuleProvider,
    FlashdutyProvider,
    RoutingRuleProvider,
    SilenceRuleProvider,
)
from flashduty_pulumi.resources import (
    EscalateLayerArgs,
    EscalateTargetArgs,
    EscalationRule,
    FilterConditionArgs,
    NotifyByArgs,
    OnceTimeFilterArgs,
    RouteCaseArgs,
    RouteDefaultArgs,
    RouteSectionArgs,
    RoutingRule,
    SilenceRule,
    TimeFilterArgs,
    WebhookArgs,
)
from flashduty_pulumi.resources import args as args_module

pytestmark = pytest.mark.unit

PAIRS: dict[Any, type[BaseModel]] = {
    FilterConditionArgs: FilterCondition,
    RouteCaseArgs: RouteCase,
    RouteDefaultArgs: RouteDefault,
    RouteSectionArgs: RouteSection,
    NotifyByArgs: NotifyBy,
    WebhookArgs: WebhookTarget,
    EscalateTargetArgs: EscalateTarget,
    EscalateLayerArgs: EscalateLayer,
    TimeFilterArgs: TimeFilter,
    OnceTimeFilterArgs: OnceTimeFilter,
}
RESOURCES: list[tuple[type[pulumi.dynamic.Resource], type[FlashdutyProvider], type[BaseModel]]] = [
    (RoutingRule, RoutingRuleProvider, UpsertRouteRequest),
    (EscalationRule, EscalationRuleProvider, CreateEscalationRuleRequest),
    (SilenceRule, SilenceRuleProvider, CreateSilenceRuleRequest),
]


def _names(model: type[BaseModel]) -> dict[str, bool]:
    """The model's fields under their API names, and whether each is required."""
    return {f.alias or name: f.is_required() for name, f in model.model_fields.items()}


def _required_keys(typed: Any) -> set[str]:
    """What a type checker reads as required. ``__required_keys__`` cannot tell where annotations
    are strings (``from __future__ import annotations``): ``Required[...]`` is then read here."""
    out: set[str] = set()
    for key, hint in typed.__annotations__.items():
        hint = getattr(hint, "__forward_arg__", hint)
        if isinstance(hint, str):
            marked = hint.startswith(("Required[", "typing_extensions.Required["))
            unmarked = typed.__total__ and not hint.startswith(
                ("NotRequired[", "typing_extensions.NotRequired[")
            )
            if marked or unmarked:
                out.add(key)
        elif key in typed.__required_keys__:
            out.add(key)
    return out


def _found(tp: Any, want: Any) -> set[Any]:
    """Every type inside annotation ``tp`` for which ``want`` holds."""
    out: set[Any] = set()
    stack, seen = [tp], set()
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if want(t):
            out.add(t)
        stack.extend(typing.get_args(t))
    return out


def _typeddicts(hint: Any, namespace: dict[str, Any]) -> set[Any]:
    """The TypedDicts an annotation (a string: ``pulumi.Input`` does not resolve at runtime) names,
    through the aliases of ``namespace``."""
    out: set[Any] = set()
    for token in set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", str(hint))):
        value = namespace.get(token)
        if value is None:
            continue
        if is_typeddict(value):
            out.add(value)
        elif typing.get_args(value):  # an alias such as FiltersInput
            out |= _typeddicts(value, namespace)
    return out


def _annotations(obj: Any) -> dict[str, Any]:
    """Annotations as written, of a TypedDict and its bases or of a function."""
    out: dict[str, Any] = {}
    for klass in reversed(getattr(obj, "__mro__", ())):
        out.update(getattr(klass, "__annotations__", {}))
    return out or dict(obj.__annotations__)


def _models(tp: Any) -> set[Any]:
    return _found(tp, lambda t: isinstance(t, type) and issubclass(t, BaseModel))


@pytest.mark.parametrize("typed", list(PAIRS), ids=lambda t: t.__name__)
def test_a_typeddict_has_its_models_fields_and_required_fields(typed: Any) -> None:
    model = PAIRS[typed]
    fields = _names(model)
    assert set(typed.__annotations__) == set(fields), f"{typed.__name__} vs {model.__name__}"
    required = {name for name, req in fields.items() if req}
    assert _required_keys(typed) == required, f"{typed.__name__} vs {model.__name__}"


@pytest.mark.parametrize("typed", list(PAIRS), ids=lambda t: t.__name__)
def test_a_typeddict_nests_the_typeddicts_of_its_models_nested_models(typed: Any) -> None:
    model = PAIRS[typed]
    by_alias = {f.alias or name: f for name, f in model.model_fields.items()}
    for key, hint in typed.__annotations__.items():
        expected = _models(by_alias[key].annotation)
        nested = {PAIRS[t] for t in _typeddicts(hint, vars(args_module)) if t in PAIRS}
        assert nested == expected, f"{typed.__name__}.{key}: {nested} vs {expected}"


@pytest.mark.parametrize(
    ("resource", "provider", "model"), RESOURCES, ids=lambda x: getattr(x, "__name__", "")
)
def test_a_resources_keyword_arguments_are_its_providers_fields(
    resource: type[pulumi.dynamic.Resource], provider: type[FlashdutyProvider], model: type[BaseModel]
) -> None:
    params = inspect.signature(resource.__init__).parameters
    keywords = {n: p for n, p in params.items() if n not in ("self", "resource_name", "opts")}
    assert set(keywords) == {*provider.api_fields, *provider.own_defaults}
    required = {n for n, p in keywords.items() if p.default is inspect.Parameter.empty}
    assert required == {n for n, req in _names(model).items() if req and n in provider.api_fields}
    namespace = vars(inspect.getmodule(resource))
    by_alias = {f.alias or name: f for name, f in model.model_fields.items()}
    for name in provider.api_fields:
        expected = _models(by_alias[name].annotation)
        nested = {PAIRS[t] for t in _typeddicts(keywords[name].annotation, namespace) if t in PAIRS}
        assert nested == expected, f"{resource.__name__}({name}=...): {nested} vs {expected}"
    outputs = {name for klass in resource.__mro__ for name in getattr(klass, "__annotations__", {})}
    assert outputs >= {*keywords, *provider.computed_fields}


def test_the_check_catches_a_typeddict_that_drifts() -> None:
    class Drifted(TimeFilterArgs, total=False):
        weekdays: Any

    PAIRS[Drifted] = TimeFilter
    try:
        with pytest.raises(AssertionError):
            test_a_typeddict_has_its_models_fields_and_required_fields(Drifted)
    finally:
        del PAIRS[Drifted]
