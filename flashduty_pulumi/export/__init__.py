"""``flashduty-pulumi export``: live rules -> a Pulumi Python program that adopts them.

    snapshot = read_snapshot(client, directory, channels=["Payments"], integrations=[6022140857131])
    result = build_program(snapshot, directory, ExportOptions(project_name="rules"))
    result.files["__main__.py"]          # the program; also Pulumi.yaml, requirements.txt, README.md
    result.secrets                       # webhook settings the stack must hold as secret config

``fetch`` reads (list/info calls only); ``program`` writes the project: ``rule_arguments`` turns each
rule into its resource call, with IDs as look-ups (``lookup_variables``) and webhook credentials as
secret config (``webhooks``), and ``self_check`` puts each through the provider's own ``check``;
``names`` and ``pysource`` make it readable and deterministic.
"""

from .fetch import ChannelRules, Directory, ExportError, RouteRules, Snapshot, read_snapshot
from .names import resource_names, slug
from .program import ExportOptions, ExportResult, build_program
from .webhooks import SAFE_WEBHOOK_SETTINGS, SecretSetting

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
