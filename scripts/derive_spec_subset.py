#!/usr/bin/env python3
"""Derive the emulator's spec subset from the official Flashduty OpenAPI documents.

Usage (from the repository root):

    python scripts/derive_spec_subset.py [SPEC_DIR] [--output FILE] [--check]

SPEC_DIR defaults to ../shared/flashduty-openapi (relative to the repository root). The output,
flashduty_pulumi/emulator/spec_subset.json, holds for every endpoint the emulator serves the request
schema, the 200 response schema, the permissions and rate limits stated in `x-mint`, and every
component schema those reach, copied verbatim. The bytes are reproducible: sorted keys, fixed
indentation, no timestamps, so re-deriving from unchanged documents gives an identical file (a
test checks this). `--check` exits 1 when the committed file differs from a fresh derivation.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC_DIR = REPO_ROOT.parent / "shared" / "flashduty-openapi"
DEFAULT_OUTPUT = REPO_ROOT / "flashduty_pulumi" / "emulator" / "spec_subset.json"

# The endpoints the emulator serves, per source document. Keep in step with the emulator's server.
ENDPOINTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "on-call": (
        "on-call.openapi.en.json",
        (
            "/route/upsert",
            "/route/info",
            "/route/list",
            *(
                f"/channel/escalate/rule/{op}"
                for op in ("create", "update", "info", "list", "delete", "enable", "disable")
            ),
            *(
                f"/channel/silence/rule/{op}"
                for op in ("create", "update", "list", "delete", "enable", "disable")
            ),
            "/channel/list",
            "/channel/info",
            "/template/list",
            "/template/info",
        ),
    ),
    "platform": ("platform.openapi.en.json", ("/member/list", "/team/list", "/team/info")),
}

# Schemas needed besides the ones the endpoints reach: the error envelope every endpoint returns.
EXTRA_COMPONENTS = ("ErrorResponse",)

_REF_PREFIX = "#/components/schemas/"


def _refs(node: Any) -> set[str]:
    """Component names referenced anywhere under `node`."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                if not ref.startswith(_REF_PREFIX):
                    raise ValueError(f"unsupported $ref {ref!r}: only local component refs are expected")
                found.add(ref[len(_REF_PREFIX) :])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _closure(roots: set[str], schemas: dict[str, Any]) -> set[str]:
    """Every component reachable from `roots`, following $refs transitively."""
    seen: set[str] = set()
    todo = sorted(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in schemas:
            raise KeyError(f"component {name!r} is referenced but not defined")
        seen.add(name)
        todo.extend(_refs(schemas[name]) - seen)
    return seen


_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_RATE = re.compile(r"\*\*([\d,]+) requests/(second|minute)\*\*")


def _restrictions(operation: dict[str, Any]) -> dict[str, Any]:
    """Permissions and rate limits from the `x-mint` restrictions table (prose in the spec)."""
    content = str(operation.get("x-mint", {}).get("content", ""))
    permissions: list[str] = []
    rate: dict[str, int] = {}
    for line in content.splitlines():
        if line.startswith("| Permissions |"):
            # "None — any valid app_key" yields no bold names, i.e. no permission needed.
            permissions = _BOLD.findall(line)
        elif line.startswith("| Rate limits |"):
            for count, unit in _RATE.findall(line):
                rate[f"per_{unit}"] = int(count.replace(",", ""))
    return {"permissions": permissions, "rate_limit": rate}


def _json_schema(media: dict[str, Any], where: str) -> Any:
    try:
        return media["content"]["application/json"]["schema"]
    except KeyError as exc:
        raise KeyError(f"{where}: no application/json schema") from exc


def derive(spec_dir: Path) -> bytes:
    """The subset document as bytes, derived from the OpenAPI files in `spec_dir`."""
    documents: dict[str, Any] = {}
    for doc_name, (file_name, paths) in ENDPOINTS.items():
        raw = (spec_dir / file_name).read_bytes()
        spec = json.loads(raw)
        schemas: dict[str, Any] = spec["components"]["schemas"]
        out_paths: dict[str, Any] = {}
        roots: set[str] = set(EXTRA_COMPONENTS)
        for path in paths:
            operation = spec["paths"][path]["post"]
            request = _json_schema(operation["requestBody"], f"{path} request")
            response = _json_schema(operation["responses"]["200"], f"{path} 200 response")
            roots |= _refs(request) | _refs(response)
            out_paths[path] = {
                "operation_id": operation.get("operationId", ""),
                "request": request,
                "response": response,
                **_restrictions(operation),
            }
        keep = _closure(roots, schemas)
        documents[doc_name] = {
            "source": file_name,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "openapi": spec["openapi"],
            "info_version": spec["info"]["version"],
            "paths": out_paths,
            "components": {"schemas": {name: schemas[name] for name in sorted(keep)}},
        }
    subset = {
        "generated_by": "scripts/derive_spec_subset.py (do not edit by hand; re-run the script)",
        "documents": documents,
    }
    return (json.dumps(subset, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec_dir", nargs="?", type=Path, default=DEFAULT_SPEC_DIR)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is out of date")
    args = parser.parse_args(argv)
    data = derive(args.spec_dir)
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != data:
            print(f"{args.output} is out of date; run scripts/derive_spec_subset.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
