"""Validation against the official Flashduty OpenAPI 3.1 schemas (the contract).

The schemas come from `spec_subset.json`, derived verbatim from the official documents by
`scripts/derive_spec_subset.py`. OpenAPI 3.1 schemas are JSON Schema Draft 2020-12, so they are
checked with jsonschema's Draft202012Validator; OpenAPI-only keywords (`example`, `nullable`,
`discriminator`, `x-*`) are annotations there and change nothing.

Stable public API (other test suites use it to check OUR CLIENT's requests):

    from flashduty_pulumi.emulator.spec import SpecError, SpecValidator, default_validator

    v = SpecValidator()                      # or default_validator(), a cached shared instance
    v.paths                                  # tuple of the API paths covered
    v.request_errors(path, body)             # -> list[SpecError]; [] means the server accepts it
    v.request_errors(path, body, rules=False)  # schema only, without the prose rules of rules.py
    v.response_errors(path, envelope)        # -> list[SpecError] for a whole 200 response body
    v.error_response_errors(envelope)        # -> list[SpecError] for an error envelope
    v.permissions(path), v.is_write(path), v.rate_limit(path)

    SpecValidator(forbid_unknown=True)       # also report fields the schema does not declare
    SpecValidator(lenient=True)              # the server's reading (deviations.py); server_validator()

`SpecError` has `.path` (e.g. "layers[0].target.person_ids", "" for the body), `.message` (the
rule broken, e.g. "must be at most 39 characters") and `.keyword`. Errors come sorted by path.

Choices worth knowing:
- Integers are strict: 1.0 is not an integer (JSON Schema would accept it; the real server's Go
  decoder into int64 does not). `int64`/`uint64`/`int32` formats are range-checked; `email` is
  checked loosely.
- Responses: the real server is written in Go, which writes a nil slice, map or pointer as `null`
  even where the schema says array/object; the spec's own examples show it (`target.webhooks: null`,
  `cases[].channel_ids: null`, `data: null`). `response_errors` therefore accepts `null` for
  array/object-typed properties unless `allow_nil=False`.
- Unknown fields are accepted by default, as by the schemas and the real server (it ignores them);
  `forbid_unknown=True` reports them, which catches misspelt optional fields in a client.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.validators import extend
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from flashduty_pulumi.emulator import deviations
from flashduty_pulumi.emulator import rules as prose_rules
from flashduty_pulumi.emulator.errors import SpecError

__all__ = ["SpecError", "SpecValidator", "default_validator", "load_subset", "server_validator"]

_SUBSET_FILE = "spec_subset.json"
_URN = "urn:flashduty-emulator:"


def load_subset() -> dict[str, Any]:
    """The derived spec subset shipped with the package."""
    text = resources.files("flashduty_pulumi.emulator").joinpath(_SUBSET_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _is_strict_int(_checker: object, instance: object) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


@functools.lru_cache(maxsize=256)
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    # JSON Schema patterns are ECMA-262: `\d` is ASCII only and `$` matches only at the very end.
    # Python's `\d` also matches other scripts' digits and its `$` also matches before a final
    # newline, so "24 hex digits + newline" would pass and then break the response schema.
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern), re.ASCII)


def _pattern(validator: Any, pattern: str, instance: object, schema: object) -> Iterator[ValidationError]:
    if isinstance(instance, str) and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = extend(
    Draft202012Validator,
    validators={"pattern": _pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_strict_int),
)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    def int_range(low: int, high: int) -> Callable[[object], bool]:
        def check(value: object) -> bool:
            return not isinstance(value, int) or isinstance(value, bool) or low <= value <= high

        return check

    checker.checks("int64")(int_range(-(2**63), 2**63 - 1))
    checker.checks("int32")(int_range(-(2**31), 2**31 - 1))
    checker.checks("uint64")(int_range(0, 2**64 - 1))

    def email(value: object) -> bool:
        if not isinstance(value, str):
            return True
        local, at, domain = value.partition("@")
        return bool(at and local and "." in domain and " " not in value)

    checker.checks("email")(email)
    return checker


# Keywords whose value is one subschema / a list of subschemas / a map of subschemas.
_ONE = ("additionalProperties", "items", "not", "contains", "propertyNames", "if", "then", "else")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "dependentSchemas")


def _transform(schema: Any, visit: Callable[[dict[str, Any]], None]) -> None:
    """Apply `visit` to every subschema, walking only schema positions (not property names)."""
    if not isinstance(schema, dict):
        return
    for key in _ONE:
        _transform(schema.get(key), visit)
    for key in _MANY:
        for sub in schema.get(key) or ():
            _transform(sub, visit)
    for key in _MAP:
        for sub in (schema.get(key) or {}).values():
            _transform(sub, visit)
    visit(schema)


def _forbid_unknown(schema: dict[str, Any]) -> None:
    if "properties" in schema and "additionalProperties" not in schema and "patternProperties" not in schema:
        schema["additionalProperties"] = False


def _allow_nil(schema: dict[str, Any]) -> None:
    # Go writes nil slices/maps/pointers as null: accept null where an array/object (or $ref) is due.
    props = schema.get("properties")
    if not isinstance(props, dict):
        return
    for name, sub in props.items():
        if isinstance(sub, dict) and ("$ref" in sub or sub.get("type") in ("array", "object")):
            props[name] = {"anyOf": [{"type": "null"}, sub]}


def _pointer(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


def render_path(parts: Iterable[object]) -> str:
    """`layers[0].target.person_ids` from jsonschema's path deque."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _join(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name


def _describe(error: ValidationError) -> list[SpecError]:
    """Turn one jsonschema error into field-named SpecErrors."""
    path = render_path(error.absolute_path)
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    if keyword in ("anyOf", "oneOf") and error.context:
        # For the {"anyOf": [{"type": "null"}, X]} added for Go nulls, X's errors are the useful ones.
        real = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
        return (
            [found for sub in real for found in _describe(sub)]
            if real
            else _describe(best_match(error.context))
        )
    if keyword == "required":
        return [
            SpecError(_join(path, name), "is required", keyword)
            for name in value
            if isinstance(instance, dict) and name not in instance
        ]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [
            SpecError(_join(path, name), "is not a field of this schema", keyword)
            for name in instance
            if name not in known
        ]
    messages: dict[str, Callable[[], str]] = {
        "type": lambda: f"must be of type {value if isinstance(value, str) else ' or '.join(value)}",
        "maxLength": lambda: f"must be at most {value} characters (got {len(instance)})",
        "minLength": lambda: f"must be at least {value} characters (got {len(instance)})",
        "minimum": lambda: f"must be >= {value} (got {instance})",
        "maximum": lambda: f"must be <= {value} (got {instance})",
        "exclusiveMinimum": lambda: f"must be > {value} (got {instance})",
        "exclusiveMaximum": lambda: f"must be < {value} (got {instance})",
        "pattern": lambda: f"must match {value}",
        "enum": lambda: "must be one of " + ", ".join(json.dumps(v) for v in value),
        "minItems": lambda: f"must have at least {value} items",
        "maxItems": lambda: f"must have at most {value} items",
        "format": lambda: f"must be a valid {value}",
    }
    describe = messages.get(keyword)
    return [SpecError(path, describe() if describe else error.message, keyword)]


def _sorted(errors: Iterable[SpecError]) -> list[SpecError]:
    return sorted(set(errors), key=lambda e: (e.path, e.keyword, e.message))


class SpecValidator:
    """Validates request and response bodies for the emulated paths. Thread-safe once built."""

    def __init__(
        self,
        *,
        forbid_unknown: bool = False,
        lenient: bool = False,
        subset: Mapping[str, Any] | None = None,
    ):
        self._subset: Mapping[str, Any] = subset if subset is not None else load_subset()
        self._forbid_unknown = forbid_unknown
        self._ops: dict[str, tuple[str, Mapping[str, Any]]] = {}
        for doc_name, doc in self._subset["documents"].items():
            for path, op in doc["paths"].items():
                self._ops[path] = (doc_name, op)
        self._format_checker = _format_checker()
        # One registry per flavour: requests as written (optionally closed to unknown fields), and
        # responses tolerant of Go's nulls. Validators are compiled lazily, once per path.
        # lenient: the server's reading (deviations.py); the default keeps the spec's letter.
        request_visit = _forbid_unknown if forbid_unknown else None
        self._registries = {
            "request": self._registry("request", request_visit, lenient=lenient),
            "response": self._registry("response", _allow_nil),
            "response-strict": self._registry("response-strict", None),
        }
        self._validators: dict[tuple[str, str, str], Any] = {}

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(sorted(self._ops))

    def _registry(
        self, flavour: str, visit: Callable[[dict[str, Any]], None] | None, *, lenient: bool = False
    ) -> Registry[Any]:
        registry: Registry[Any] = Registry()
        for doc_name, doc in self._subset["documents"].items():
            contents = {"paths": doc["paths"], "components": doc["components"]}
            for patch in (deviations.patch if lenient else None, visit):
                if patch is None:
                    continue
                contents = copy.deepcopy(contents)
                for schema in contents["components"]["schemas"].values():
                    _transform(schema, patch)
                for op in contents["paths"].values():
                    _transform(op["request"], patch)
                    _transform(op["response"], patch)
            uri = f"{_URN}{flavour}:{doc_name}"
            registry = registry.with_resource(uri, DRAFT202012.create_resource(contents))
        return registry

    def _validator(self, flavour: str, doc_name: str, pointer: str) -> Any:
        key = (flavour, doc_name, pointer)
        validator = self._validators.get(key)
        if validator is None:
            schema = {"$ref": f"{_URN}{flavour}:{doc_name}#{pointer}"}
            validator = _Validator(
                schema, registry=self._registries[flavour], format_checker=self._format_checker
            )
            self._validators[key] = validator
        return validator

    def _op(self, path: str) -> tuple[str, Mapping[str, Any]]:
        try:
            return self._ops[path]
        except KeyError:
            raise KeyError(f"{path!r} is not a path the emulator's spec subset covers") from None

    def _errors(self, flavour: str, doc_name: str, pointer: str, body: object) -> list[SpecError]:
        found: list[SpecError] = []
        for error in self._validator(flavour, doc_name, pointer).iter_errors(body):
            found.extend(_describe(error))
        return _sorted(found)

    def request_errors(self, path: str, body: object, *, rules: bool = True) -> list[SpecError]:
        """Why the server would reject `body` for `path` before looking at stored state ([] = fine).

        With rules=True (default) the cross-field rules the spec states only in prose (rules.py)
        are checked too, once the body matches the schema.
        """
        doc_name, _ = self._op(path)
        found = self._errors("request", doc_name, f"/paths/{_pointer(path)}/request", body)
        if not found and rules and isinstance(body, Mapping):
            found = _sorted(prose_rules.check(path, body))
        return found

    def response_errors(self, path: str, body: object, *, allow_nil: bool = True) -> list[SpecError]:
        """Errors of a whole success envelope `{request_id, data}` against the path's 200 schema."""
        doc_name, _ = self._op(path)
        flavour = "response" if allow_nil else "response-strict"
        return self._errors(flavour, doc_name, f"/paths/{_pointer(path)}/response", body)

    def error_response_errors(self, body: object, *, document: str = "on-call") -> list[SpecError]:
        """Errors of an error envelope `{request_id, error: {code, message}}` (`ErrorResponse`)."""
        return self._errors("response-strict", document, "/components/schemas/ErrorResponse", body)

    def permissions(self, path: str) -> tuple[str, ...]:
        """Permissions the spec lists for `path`; any one of them suffices ([] = any valid key)."""
        return tuple(self._op(path)[1]["permissions"])

    def is_write(self, path: str) -> bool:
        """True when only a *Manage* permission allows the call, i.e. the call changes state."""
        perms = self.permissions(path)
        return bool(perms) and all(p.endswith(" Manage") for p in perms)

    def rate_limit(self, path: str) -> dict[str, int]:
        """`{"per_second": n, "per_minute": m}` as stated for `path` in the spec."""
        return dict(self._op(path)[1]["rate_limit"])


@functools.lru_cache(maxsize=1)
def default_validator() -> SpecValidator:
    """A shared SpecValidator with the spec's letter (building one parses the subset; reuse it)."""
    return SpecValidator()


@functools.lru_cache(maxsize=1)
def server_validator() -> SpecValidator:
    """The shared validator the emulator serves with: the spec plus deviations.py's leniency."""
    return SpecValidator(lenient=True)
