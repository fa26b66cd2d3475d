"""One ``source`` description -> a ``Config``, for the CLI and the YAML test files alike.

    {live: true, integrations: [ID...], channels: [NAME_OR_ID...]}   FLASHDUTY_BASE_URL / _APP_KEY
    {program: DIR, fixtures: FILE, config: {key: value}, stack: NAME}  Pulumi program under mocks
    {snapshot: FILE}                                                  a snapshot file

Relative paths are read from ``base``. Any failure to load is a ``SourceError`` (exit code 2).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..client import ConfigurationError, FlashdutyClient, FlashdutyError, RetryPolicy, redact
from ..client.config import ENV_APP_KEY, ENV_MAX_RETRIES, ClientConfig
from ..export import ExportError
from .config import Config
from .loaders import ProgramError, load_live, load_program
from .snapshot import SnapshotError, read_snapshot_file

__all__ = ["SourceError", "check_zone", "live_client", "load_source"]

# Interactive tools give up on an unreachable API after a couple of quick retries.
RETRIES = 2
DEADLINE = 20.0


class SourceError(Exception):
    """The configuration could not be loaded; the message says from where and why."""


def live_client() -> FlashdutyClient:
    key = os.environ.get(ENV_APP_KEY, "").strip()
    if not key:
        raise SourceError(f"the live source needs an app key: set {ENV_APP_KEY}")
    retries = os.environ.get(ENV_MAX_RETRIES, "")
    policy = RetryPolicy(max_retries=int(retries) if retries.isdigit() else RETRIES, deadline=DEADLINE)
    try:
        return FlashdutyClient(config=ClientConfig.resolve(key, None, retry=policy))
    except ConfigurationError as exc:
        raise SourceError(exc.message or str(exc)) from None


def _ids(value: Any, field: str) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(str(v).isdigit() for v in value):
        raise SourceError(f"source.{field}: must be a list of numeric integration IDs")
    return [int(v) for v in value]


def load_source(
    spec: Mapping[str, Any], base: Path, *, integrations: Iterable[int] = (), timezone: str | None = None
) -> Config:
    """``integrations``: IDs the alerts name, read along with ``source.integrations`` (live)."""
    kinds = [k for k in ("live", "program", "snapshot") if spec.get(k)]
    if len(kinds) != 1:
        raise SourceError("source: give exactly one of live: true, program: DIR or snapshot: FILE")
    kind = kinds[0]
    try:
        if kind == "snapshot":
            config = read_snapshot_file(base / str(spec["snapshot"]))
        elif kind == "program":
            fixtures = spec.get("fixtures")
            config = load_program(
                base / str(spec["program"]),
                fixtures=base / str(fixtures) if fixtures else None,
                config=dict(spec.get("config") or {}),
                stack=str(spec.get("stack") or "simulate"),
            )
        else:
            wanted = sorted({*_ids(spec.get("integrations"), "integrations"), *integrations})
            channels = [str(c) for c in spec.get("channels") or []]
            client = live_client()
            try:
                config = load_live(client, wanted, channels=channels)
            finally:
                client.close()
    except (SnapshotError, ProgramError) as exc:
        raise SourceError(str(exc)) from None
    except ExportError as exc:
        raise SourceError(redact(str(exc))) from None
    except FlashdutyError as exc:
        raise SourceError(f"the live API failed: {redact(str(exc))}") from None
    zone = timezone or spec.get("timezone")
    if zone:
        config.timezone = check_zone(str(zone))
    return config


def check_zone(zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SourceError(f"timezone: {zone!r} is not an IANA time zone (e.g. Asia/Shanghai, UTC)") from None
    return zone
