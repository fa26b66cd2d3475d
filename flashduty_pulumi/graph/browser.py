"""The system Chromium for Playwright (tests and the render benchmark): Playwright's own browser
download cannot work where only package registries are reachable, so scripts/browser.sh installs
Debian's chromium and this finds it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["ENV_CHROMIUM", "chromium_path"]

ENV_CHROMIUM = "FLASHDUTY_CHROMIUM"
# Debian's /usr/bin/chromium is a shell wrapper; the binary behind it starts faster and quieter.
_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str:
    """The Chromium binary: $FLASHDUTY_CHROMIUM, else the Debian package's; a clear error if none."""
    chosen = os.environ.get(ENV_CHROMIUM)
    if chosen:
        if not Path(chosen).is_file():
            raise FileNotFoundError(f"{ENV_CHROMIUM}={chosen} is not a file")
        return chosen
    for candidate in _CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise FileNotFoundError(f"no Chromium: run scripts/browser.sh (or set {ENV_CHROMIUM})")
