"""``flashduty-pulumi export``: live rules -> a Pulumi Python program that adopts them.

    snapshot = read_snapshot(client, directory, channels=["Payments"], integrations=[6022140857131])
    result = build_program(snapshot, directory, ExportOptions(project_name="rules"))
    result.files["__main__.py"]          # the program; also Pulumi.yaml, requirements.txt, README.md
    result.secrets                       # webhook settings the stack must hold as secret config

``fetch`` reads (list/info calls only), ``program`` builds and self-checks the program through the
providers' own ``check``, ``names`` and ``pysource`` make it readable and deterministic.
"""

from .fetch import ChannelRules, Directory, ExportError, RouteRules, Snapshot, read_snapshot
from .names import resource_names, slug
from .program import SAFE_WEBHOOK_SETTINGS, ExportOptions, ExportResult, SecretSetting, build_program

__all__ = [
    "SAFE_WEBHOOK_SETTINGS",
    "ChannelRules",
    "Directory",
    "ExportError",
    "ExportOptions",
    "ExportResult",
    "RouteRules",
    "SecretSetting",
    "Snapshot",
    "build_program",
    "read_snapshot",
    "resource_names",
    "slug",
]
