"""The committed spec subset is exactly what the official documents give, and agrees with them."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from flashduty_pulumi.emulator.api import HANDLERS
from flashduty_pulumi.emulator.spec import SpecValidator, default_validator

pytestmark = pytest.mark.contract

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ROOT / "flashduty_pulumi" / "emulator" / "spec_subset.json"
# The official documents live beside the project (present in CI); FLASHDUTY_OPENAPI_DIR overrides.
SPEC_DIR = Path(os.environ.get("FLASHDUTY_OPENAPI_DIR", ROOT.parent / "shared" / "flashduty-openapi"))


def _derive_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "derive_spec_subset", ROOT / "scripts" / "derive_spec_subset.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documents() -> dict[str, Any]:
    assert SPEC_DIR.is_dir(), (
        f"official OpenAPI documents not found at {SPEC_DIR} (set FLASHDUTY_OPENAPI_DIR)"
    )
    return {
        name: json.loads((SPEC_DIR / f"{name}.openapi.en.json").read_text())
        for name in ("on-call", "platform")
    }


def test_rederiving_gives_the_committed_file_byte_for_byte() -> None:
    _documents()
    derive = _derive_module()
    first = derive.derive(SPEC_DIR)
    assert first == derive.derive(SPEC_DIR)  # reproducible run to run
    assert first == SUBSET.read_bytes(), "spec_subset.json is stale: run scripts/derive_spec_subset.py"


def test_the_subset_covers_exactly_the_served_paths() -> None:
    assert set(default_validator().paths) == set(HANDLERS)
    assert len(HANDLERS) == 23


def _examples(kind: str) -> list[tuple[str, Any]]:
    found = []
    for doc in _documents().values():
        for path in default_validator().paths:
            operation = doc["paths"].get(path, {}).get("post")
            if operation is None:
                continue
            media = operation["requestBody"] if kind == "request" else operation["responses"]["200"]
            example = media["content"]["application/json"].get("example")
            if example is not None:
                found.append((path, example))
    return found


def test_every_official_request_example_is_accepted_rules_included() -> None:
    examples = _examples("request")
    assert len(examples) >= 20
    for path, body in examples:
        assert default_validator().request_errors(path, body) == [], path


def test_every_official_response_example_validates_and_go_nulls_are_why_tolerance_exists() -> None:
    strict_failures = []
    for path, body in _examples("response"):
        assert default_validator().response_errors(path, body) == [], path
        strict_failures += [str(e) for e in default_validator().response_errors(path, body, allow_nil=False)]
    # The spec's own examples carry `webhooks: null` and `channel_ids: null` where the schema says array.
    assert any("webhooks" in f for f in strict_failures)
    assert any("channel_ids" in f for f in strict_failures)


def test_forbid_unknown_flags_fields_the_official_examples_never_use() -> None:
    strict = SpecValidator(forbid_unknown=True)
    for path, body in _examples("request"):
        assert strict.request_errors(path, body) == [], path
