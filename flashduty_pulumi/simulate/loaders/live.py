"""Load the live configuration through the API: list and info calls only, the same client (its
limiter, retries and redaction) the providers and the exporter use."""

from __future__ import annotations

from collections.abc import Sequence

from ...client import FlashdutyClient
from ...export import Directory, read_snapshot
from ..config import Config, without_webhook_secrets

__all__ = ["directory_into", "load_live"]


def directory_into(config: Config, directory: Directory) -> None:
    """Channel, member, team and template names from the account, for IDs and look-ups."""
    config.channels.update({c.channel_id: c for c in directory.channels})
    config.members.update({m.member_id: m for m in directory.members})
    config.teams.update({t.team_id: t for t in directory.teams})
    config.templates.update({t.template_id: t for t in directory.templates})


def load_live(
    client: FlashdutyClient,
    integrations: Sequence[int],
    *,
    channels: Sequence[str] = (),
    timezone: str | None = None,
) -> Config:
    """Every channel's escalation and silence rules (or those of ``channels``, names or IDs) and
    the routes of ``integrations`` (the API cannot list integrations, so they are named)."""
    directory = Directory(client)
    snap = read_snapshot(
        client, directory, channels=channels, integrations=integrations, all_channels=not channels
    )
    config = Config(timezone=timezone)
    directory_into(config, directory)
    for ch in snap.channels:
        config.channels[ch.channel.channel_id] = ch.channel
        config.escalation_rules += [without_webhook_secrets(r) for r in ch.escalation]
        config.silence_rules += ch.silence
    for r in snap.routes:
        if r.route is not None:
            config.routes[r.integration_id] = r.route
    return config
