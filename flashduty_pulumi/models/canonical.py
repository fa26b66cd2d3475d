"""The canonical form of a request: what ``check`` hands on, what state keeps, what ``diff`` compares.

The request models produce it as they validate, so a rule written by a user and the same rule read
back from the server come out equal: order-free lists (``SetOf``) sorted and without repeats,
ObjectIDs lower-case, empty recipient lists and a ``by`` that delivers nothing left out, server
defaults filled in. Order is kept where it means something or where the API keeps it as written
(route cases, layers, filter groups and their conditions, windows, webhooks).

In state (``RequestModel.to_state``) an int64 ID of 2**53 or more is a decimal string: Pulumi
carries numbers as float64, so only a string survives the engine exactly.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, TypeVar, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    PlainSerializer,
    SerializationInfo,
    TypeAdapter,
    ValidationError,
)
from pydantic.fields import FieldInfo

# From here on a float64 no longer holds every integer (2**53 + 1 rounds to 2**53).
MAX_EXACT_INT = 2**53
# The serialisation context of ``RequestModel.to_state``.
STATE = {"state": True}

Path = tuple[str | int, ...]
T = TypeVar("T")


def _id_out(value: int, info: SerializationInfo) -> int | str:
    """An ID as the body sends it (a number), or in state a decimal string from 2**53 on."""
    if info.context and info.context.get("state") and abs(value) >= MAX_EXACT_INT:
        return str(value)
    return value


def _sorted_set(values: list[T]) -> list[T]:
    return sorted(set(values))  # type: ignore[type-var]


# Marks a field as an int64 ID (serialised by ``_id_out``; found by ``id_values``).
ID_OUT = PlainSerializer(_id_out)
# A list the API treats as a set: kept sorted and without repeats, so that no order or repeat a
# user wrote (or the server echoes) ever shows as a change.
SetOf = Annotated[list[T], AfterValidator(_sorted_set)]


def canonical_fields(model: type[BaseModel], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` in canonical form field by field (see ``RequestModel.canonical_fields``)."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        adapter = _field_adapter(model, name)
        try:
            out[name] = value if adapter is None else _field_state(adapter, value)
        except ValidationError:
            out[name] = value
    return out


def id_values(model: type[BaseModel], data: Any) -> Iterator[tuple[Path, Any]]:
    """Every value of ``data`` (request-shaped, not validated) that ``model`` reads as an int64 ID,
    with its path: the IDs that must not be numbers of 2**53 or more."""
    for name, field in model.model_fields.items():
        key = field.alias or name
        if isinstance(data, Mapping) and key in data:
            yield from _ids_in(_full_type(field), data[key], (key,))


def _ids_in(tp: Any, value: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Annotated:
        if ID_OUT in args[1:]:
            yield path, value
        else:
            yield from _ids_in(args[0], value, path)
    elif origin in (Union, types.UnionType):
        for arg in args:
            yield from _ids_in(arg, value, path)
    elif origin is list and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _ids_in(args[0], item, (*path, i))
    elif origin is dict and isinstance(value, Mapping):
        for k, item in value.items():
            yield from _ids_in(args[1], item, (*path, str(k)))
    elif isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(value, Mapping):
        for sub, found in id_values(tp, value):
            yield (*path, *sub), found


@functools.cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any] | None:
    field = model.model_fields.get(name)
    return None if field is None else TypeAdapter(_full_type(field))


def _full_type(field: FieldInfo) -> Any:
    """A field's type with the constraints pydantic moved off its annotation."""
    if not field.metadata:
        return field.annotation
    return Annotated[(field.annotation, *field.metadata)]


def _field_state(adapter: TypeAdapter[Any], value: Any) -> Any:
    checked = adapter.validate_python(value)
    return adapter.dump_python(checked, mode="json", by_alias=True, exclude_none=True, context=STATE)
