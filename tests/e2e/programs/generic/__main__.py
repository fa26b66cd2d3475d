"""A generic test program: it declares exactly the resources listed in `rules.json` beside it.

Tests change the JSON, not the code. Each entry is

    {"kind": "EscalationRule" | "SilenceRule" | "RoutingRule", "name": "<resource name>", "args": {...}}

where `args` are the resource's keyword arguments as in docs/resource-contract.md. Anywhere in
`args`, a one-key object {"lookup_channel": "Name"} (or lookup_member / lookup_team /
lookup_template) is replaced by the look-up's result, so the look-ups run through the CLI too, and
{"config_secret": "key"} by the secret stack config value `key` (a pulumi.Output marked secret),
and {"ref": "<name>.<output>"} by an output of a resource declared earlier in the list (unknown
during a preview that creates it, as a real program's cross-references are).

An entry may also carry "opts": {"aliases": ["<old resource name>"], "retain_on_delete": true}.

Every resource's ID is exported under its name (the rule_id, or the integration ID of a route).
"""

import json
from pathlib import Path
from typing import Any

import pulumi

import flashduty_pulumi as fd

LOOKUPS = {
    "lookup_channel": fd.lookup_channel,
    "lookup_member": fd.lookup_member,
    "lookup_team": fd.lookup_team,
    "lookup_template": fd.lookup_template,
}
KINDS = {"EscalationRule": fd.EscalationRule, "SilenceRule": fd.SilenceRule, "RoutingRule": fd.RoutingRule}


def resolve(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key in LOOKUPS:
                return LOOKUPS[key](arg)
            if key == "config_secret":
                return pulumi.Config().require_secret(arg)
            if key == "ref":
                name, attr = arg.split(".", 1)
                return getattr(declared[name], attr)
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v) for v in value]
    return value


def options(opts: dict[str, Any]) -> pulumi.ResourceOptions | None:
    if not opts:
        return None
    aliases = [pulumi.Alias(name=name) for name in opts.get("aliases", [])]
    return pulumi.ResourceOptions(aliases=aliases or None, retain_on_delete=opts.get("retain_on_delete"))


declared: dict[str, pulumi.CustomResource] = {}
for entry in json.loads((Path(__file__).parent / "rules.json").read_text()):
    args = resolve(entry.get("args", {}))
    resource = KINDS[entry["kind"]](entry["name"], **args, opts=options(entry.get("opts", {})))
    declared[entry["name"]] = resource
    pulumi.export(entry["name"], resource.id)
