"""Turn a snapshot of live rules into a Pulumi Python program (plus Pulumi.yaml, README, requirements).

What the program looks like, and why:

- **One resource per rule**, named after the rule (``names.resource_names``), with
  ``adopt_rule_id=`` (escalation, silence) or ``adopt=True`` (routes), so the first ``pulumi up``
  takes the rules over instead of creating them, and writes nothing when they still match.
- **Look-ups instead of IDs** where a name identifies the object: channels and teams by name,
  members by email, templates by name; each look-up is a variable at the top, run once. Where a
  name is missing or shared, the literal ID stays, with a comment saying why. IDs of 2**53 and more
  are passed as strings (Pulumi numbers are float64). (``lookup_variables``)
- **Only what differs from the defaults** check fills in, read from the request models, in the
  field order of the contract. (``rule_arguments``)
- **No secret in the source**: every webhook setting except a few known harmless ones (alias,
  chat_ids, data_source_id) is read from secret stack config (``config.require_secret``); the
  README lists the ``pulumi config set --secret`` commands, without values. (``webhooks``)
- **Verified before it is written**: each resource's inputs are put through the provider's own
  ``check`` (numbers as the engine delivers them, floats) and compared with what the provider reads
  back from the live rule: equal means the adoption writes nothing. A rule that does not pass is
  written commented out with the reason; one that would change is flagged in a comment and a warning.
  (``self_check``)
- **Deterministic**: the same live rules give the same bytes (no timestamps, sorted where the API's
  order means nothing, collisions settled by rule_id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fetch import Directory, Snapshot
from .lookup_variables import LookupVariables
from .names import Identifiers, route_key, rule_key, rule_names
from .pysource import py_str
from .requirement import Requirement, own_requirement
from .rule_arguments import Resource, RuleArguments
from .self_check import resource_text
from .webhooks import SecretSetting, WebhookSecrets

__all__ = ["ExportOptions", "ExportResult", "build_program"]


@dataclass(frozen=True)
class ExportOptions:
    project_name: str = "flashduty-rules"
    # runtime.options.virtualenv of the generated Pulumi.yaml (relative to the program directory).
    virtualenv: str = "venv"
    # For the README's set-up commands only.
    base_url: str = ""
    # The pinned flashduty-pulumi of requirements.txt and where to get it: the exporter's own copy.
    requirement: Requirement = field(default_factory=own_requirement)


@dataclass
class ExportResult:
    files: dict[str, str]
    secrets: list[SecretSetting]
    warnings: list[str]
    counts: dict[str, int]


def _declare(
    snapshot: Snapshot, args: RuleArguments, warnings: list[str]
) -> tuple[list[Resource], list[str]]:
    """The resources in program order (channels, then routes), and the channels without rules."""
    names = rule_names(snapshot)
    out: list[Resource] = []
    empty: list[str] = []
    for rules in snapshot.channels:
        ch = rules.channel
        label = f'"{ch.channel_name}"' if ch.channel_name else str(ch.channel_id)
        section = f"Channel {label} (ID {ch.channel_id})"
        esc = sorted(rules.escalation, key=lambda r: (r.priority, r.created_at, r.rule_id))
        sil = sorted(rules.silence, key=lambda r: (r.priority, r.created_at, r.rule_id))
        for e in esc:
            out.append(args.escalation(e, section, names[rule_key("escalation", e.rule_id)], label))
        for s in sil:
            out.append(args.silence(s, section, names[rule_key("silence", s.rule_id)], label))
        if not esc and not sil:
            empty.append(section)
    for rr in snapshot.routes:
        if rr.route is None:
            warnings.append(f"integration {rr.integration_id} has no routing rule: nothing to export")
            continue
        out.append(args.routing(rr.integration_id, rr.route, names[route_key(rr.integration_id)]))
    return out, empty


_COUNTED = {"fd.EscalationRule": "escalation", "fd.SilenceRule": "silence", "fd.RoutingRule": "route"}

HEADER = '''"""Flashduty rules as code, exported from the live account by `flashduty-pulumi export`.

Every resource adopts the rule it was exported from (adopt_rule_id=... / adopt=True): the first
`pulumi up` brings the rules under management without recreating them, and writes nothing to
Flashduty while they still match this program. Edit a rule here and `pulumi up` updates it in
place. Set-up (stack config, webhook secrets): README.md.
"""
'''


def build_program(
    snapshot: Snapshot, directory: Directory, options: ExportOptions | None = None
) -> ExportResult:
    """The generated project's files (``__main__.py``, ``Pulumi.yaml``, ``requirements.txt``,
    ``README.md``), the secrets the stack needs, warnings, and counts."""
    options = options or ExportOptions()
    idents = Identifiers()
    lookups = LookupVariables(directory, idents)
    # Look-ups are named first, so their names do not depend on the webhooks the rules hold.
    lookups.allocate(snapshot)
    webhooks = WebhookSecrets(idents)
    warnings: list[str] = []
    resources, empty = _declare(snapshot, RuleArguments(lookups, webhooks), warnings)
    blocks: list[tuple[str, str]] = []
    counts = {"escalation": 0, "silence": 0, "route": 0, "skipped": 0}
    for res in resources:
        text, ok = resource_text(res, warnings)
        blocks.append((res.section, text))
        counts[_COUNTED[res.call.func] if ok else "skipped"] += 1
    secrets = list(webhooks.settings.values())

    parts: list[str] = [HEADER]
    imports = ["import flashduty_pulumi as fd"]
    if secrets:
        imports.append("import pulumi")
    parts.append("\n".join(imports) + "\n")
    if secrets:
        parts.append("config = pulumi.Config()\n")
    definitions = lookups.definitions()
    if definitions:
        parts.append(
            "# Look-ups: the IDs the rules use, found by name (or email) each time the program runs.\n"
            + "\n".join(definitions)
            + "\n"
        )
    if secrets:
        defs = []
        for s in sorted(secrets, key=lambda s: s.key):
            fn = "require_secret_object" if s.is_object else "require_secret"
            defs.append(f"{s.key} = config.{fn}({py_str(s.key)})")
        parts.append(
            "# Webhook credentials: secret stack config, never in this file (README.md lists the\n"
            "# `pulumi config set --secret` commands).\n" + "\n".join(defs) + "\n"
        )
    section = None
    for sec, text in blocks:
        if sec != section:
            title = "Routing rules (one per shared integration)" if sec == "routes" else sec
            parts.append(f"# {'=' * 4} {title} {'=' * max(4, 90 - len(title))}\n")
            section = sec
        parts.append(text + "\n")
    if not blocks:
        parts.append("# No rules were found in the selected channels and integrations.\n")
    main = "\n".join(parts)
    files = {
        "__main__.py": main,
        "Pulumi.yaml": _pulumi_yaml(options),
        "requirements.txt": options.requirement.requirements_txt(),
        "README.md": _readme(snapshot, options, secrets, counts, warnings, empty),
    }
    return ExportResult(files=files, secrets=secrets, warnings=list(warnings), counts=counts)


def _pulumi_yaml(options: ExportOptions) -> str:
    return (
        f"name: {options.project_name}\n"
        "description: Flashduty rules exported by flashduty-pulumi export\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        "    toolchain: pip\n"
        f"    virtualenv: {options.virtualenv}\n"
    )


def _readme(
    snapshot: Snapshot,
    options: ExportOptions,
    secrets: list[SecretSetting],
    counts: dict[str, int],
    warnings: list[str],
    empty: list[str],
) -> str:
    url = options.base_url or "https://api.flashcat.cloud"
    channels = ", ".join(
        f"{c.channel.channel_name or c.channel.channel_id} ({c.channel.channel_id})"
        for c in snapshot.channels
    )
    integrations = ", ".join(str(r.integration_id) for r in snapshot.routes)
    lines = [
        "# Flashduty rules (exported)",
        "",
        "Generated by `flashduty-pulumi export`: "
        f"{counts['escalation']} escalation rules, {counts['silence']} silence rules and "
        f"{counts['route']} routing rules.",
        "",
        f"- Channels: {channels or 'none'}",
        f"- Integrations (routing rules): {integrations or 'none (pass --integration ID to export routes)'}",
        "",
        "## Set up a stack",
        "",
        "```sh",
        f"python -m venv {options.virtualenv}",
        *filter(None, [options.requirement.install_command(f"{options.virtualenv}/bin/pip")]),
        f"{options.virtualenv}/bin/pip install -r requirements.txt",
        "pulumi stack init prod",
        f"pulumi config set flashduty:baseUrl {url}",
        "pulumi config set --secret flashduty:appKey    # prompts for the key: not in shell history",
    ]
    for s in sorted(secrets, key=lambda s: s.key):
        lines.append(f"pulumi config set --secret {s.key}")
    lines += ["```", ""]
    if secrets:
        lines += [
            "The webhook credentials are not in the program: each is read from secret stack config.",
            "Copy each value from the Flashduty console when prompted, or let the exporter store them",
            "(straight from the API into the stack's encrypted config, never on disk in plain text):",
            "`flashduty-pulumi export ... --force --secrets-stack prod` (run it after `pulumi stack init`).",
            "",
            "| config key | what it is |",
            "|---|---|",
        ]
        for s in sorted(secrets, key=lambda s: s.key):
            kind = " (JSON)" if s.is_object else ""
            uses = "; ".join(s.uses).replace("|", "\\|")
            lines.append(f"| `{s.key}`{kind} | {uses} |")
        lines.append("")
    lines += [
        "## The first `pulumi up`",
        "",
        "Each resource carries `adopt_rule_id=` (escalation and silence rules) or `adopt=True` (routing",
        "rules). Pulumi shows the rules as created, because they are new to its state, but Flashduty",
        "receives no write while a rule still matches the program; `pulumi preview --expect-no-changes`",
        "passes afterwards. From then on, edit the program and `pulumi up` updates the rules in place.",
        "Once adopted, `adopt_rule_id` may be deleted from the program (it only matters at creation).",
        "",
        'Routing rules keep `delete_behavior="retain"`: `pulumi destroy` leaves them in Flashduty.',
        "Escalation and silence rules are deleted by `pulumi destroy`.",
        "",
    ]
    if warnings or empty:
        lines += ["## Notes", ""]
        lines += [f"- {w}" for w in warnings]
        lines += [f"- {e}: no rules" for e in empty]
        lines.append("")
    return "\n".join(lines)
