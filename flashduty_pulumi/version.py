"""The installed package's version. pyproject.toml is the one place it is written; CHANGELOG.md says
what each version changed (semantic versioning)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "flashduty-pulumi"


def package_version() -> str:
    """``0.2.0``; ``0+unknown`` only when run from a source tree that was never installed."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"
