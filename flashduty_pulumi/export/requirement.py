"""The generated ``requirements.txt``: this exact version of flashduty-pulumi, and where it came from.

The package is not on PyPI yet, so a bare ``flashduty-pulumi`` would install whatever anyone later
uploads under that name. The exporter pins its own version and names the source its own copy was
installed from, read from pip's install record (``direct_url.json``): a wheel or sdist file, a git
commit, or a source directory. A copy installed from an index has no such record: the pin alone,
against the same index.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from urllib.parse import unquote, urlparse

from ..version import DISTRIBUTION, package_version


@dataclass(frozen=True)
class Requirement:
    version: str
    # What `pip install` takes to get this very copy; None when it came from a package index.
    source: str | None

    @property
    def pin(self) -> str:
        return f"{DISTRIBUTION}=={self.version}"

    def install_command(self, pip: str) -> str | None:
        """``venv/bin/pip install '<source>'``, or None when the pin alone finds it."""
        return f"{pip} install {shlex.quote(self.source)}" if self.source else None

    def requirements_txt(self) -> str:
        if self.source is None:
            return f"# {DISTRIBUTION} {self.version}, from the index the exporter came from.\n{self.pin}\n"
        return (
            f"# {DISTRIBUTION} is not published on PyPI yet: install this version from where the\n"
            "# exporter's own copy came from, before `pip install -r requirements.txt`:\n"
            f"#   pip install {shlex.quote(self.source)}\n"
            f"{self.pin}\n"
        )


def own_requirement() -> Requirement:
    """The running copy's version and source."""
    return Requirement(package_version(), _source())


def _source() -> str | None:
    try:
        return source_from_record(distribution(DISTRIBUTION).read_text("direct_url.json"))
    except PackageNotFoundError:
        return None


def source_from_record(record: str | None) -> str | None:
    """What ``pip install`` takes to get the copy a PEP 610 ``direct_url.json`` describes."""
    if not record:
        return None
    try:
        info = json.loads(record)
    except ValueError:
        return None
    url = str(info.get("url", ""))
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return f"{vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return unquote(parsed.path)  # a wheel, an sdist or a source directory on this machine
    return url or None
