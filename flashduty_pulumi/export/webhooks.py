"""Webhook targets in the program: where to post is written out, every credential is secret config.

Secret by default: only the settings known to say where to post, not how to authenticate
(``SAFE_WEBHOOK_SETTINGS``), are written as they are, so a webhook type this package does not know
cannot leak a credential into the source. Each credential is read with ``config.require_secret``;
the same value used in several rules is one config key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .names import Identifiers
from .pysource import Expr

__all__ = ["SAFE_WEBHOOK_SETTINGS", "SecretSetting", "WebhookSecrets"]

SAFE_WEBHOOK_SETTINGS = frozenset({"alias", "chat_ids", "data_source_id"})


@dataclass
class SecretSetting:
    """A webhook setting moved to secret stack config: its key, its value (never written to a
    file), whether it is JSON (not a string), and where it is used."""

    key: str
    value: Any
    is_object: bool
    uses: list[str] = field(default_factory=list)

    @property
    def config_text(self) -> str:
        """The value as `pulumi config set` takes it."""
        return json.dumps(self.value, sort_keys=True) if self.is_object else str(self.value)


class WebhookSecrets:
    """Turns webhook targets into program values, collecting the secret config keys they read."""

    def __init__(self, idents: Identifiers) -> None:
        self.idents = idents
        self.settings: dict[str, SecretSetting] = {}  # by the value's JSON

    def webhook(self, hook: dict[str, Any], where: str, rule_words: list[str]) -> dict[str, Any]:
        """``hook`` as the program writes it; ``where`` and ``rule_words`` name its rule and layer."""
        kind = str(hook.get("type", ""))
        settings = dict(hook.get("settings") or {})
        alias = settings.get("alias")
        label = f'{kind} webhook "{alias}"' if isinstance(alias, str) and alias else f"{kind} webhook"
        out: dict[str, Any] = {}
        for key, value in settings.items():
            if key in SAFE_WEBHOOK_SETTINGS or value in (None, "", [], {}):
                out[key] = value
                continue
            words = [kind, alias] if isinstance(alias, str) and alias else [kind, *rule_words]
            out[key] = self._secret(value, [*words, key], f"`{key}` of the {label} in {where}")
        return {"type": kind, "settings": out}

    def _secret(self, value: Any, key_words: list[str], use: str) -> Expr:
        identity = json.dumps(value, sort_keys=True)
        setting = self.settings.get(identity)
        if setting is None:
            key = self.idents.new("", *key_words)
            setting = SecretSetting(key=key, value=value, is_object=not isinstance(value, str))
            self.settings[identity] = setting
        if use not in setting.uses:
            setting.uses.append(use)
        return Expr(setting.key, value)
