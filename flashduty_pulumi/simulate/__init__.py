"""Simulate and lint: who gets paged, before ``pulumi up``. Pure Python, no network.

Contract (kept stable; the graph builds on it):

- ``Config`` (config.py): the loaded configuration. ``routes: dict[integration_id, RouteItem]``,
  ``channels: dict[channel_id, ChannelItem]``, ``escalation_rules: list[EscalateRuleItem]`` and
  ``silence_rules: list[SilenceRuleItem]`` (each carries ``channel_id``), ``members``, ``teams``
  (by ID: ``MemberItem``, ``TeamItem``), ``schedules: dict[int, Schedule]``, ``templates:
  dict[template_id, TemplateItem]``, ``calendars: dict[cal_id, Calendar]``, ``timezone``. Helpers:
  ``channel_name(id)``, ``channel_id(name_or_id)``, ``escalation_for(id)``, ``silence_for(id)``.
- Snapshot (snapshot.py): ``load_snapshot(doc) -> Config``, ``dump_snapshot(config) -> dict``,
  ``read_snapshot_file(path)``, ``write_snapshot_file(config, path)``; JSON with
  ``"format": "flashduty-pulumi-snapshot", "version": 1`` and one list per object kind in the
  API's own field names.
- Loaders (loaders/): ``load_live(client, integrations)``, ``load_program(dir, fixtures=...)``,
  ``read_snapshot_file(path)``; each returns a ``Config``.
- ``Simulator(config).route(alert: Alert, at: datetime) -> Trace`` (engine.py, trace.py):
  ``trace.route`` (``RouteTrace``: each ``CaseResult`` in order, ``default_used``,
  ``channel_ids``), ``trace.outcomes`` (one ``ChannelOutcome`` per routed channel:
  ``dropped_by`` / ``silenced_by`` / ``inhibited_by`` as ``RuleHit``, ``escalation`` as
  ``EscalationTrace`` with ``rule_name``, ``skipped`` and a ``timeline`` of ``Notification``),
  ``trace.channels`` (routed channel names), ``trace.escalation["Checkout"]``,
  ``trace.first_notified(channel)``, ``str(trace)``.
- Drop rules, inhibit rules and alert pipelines slot in as ``Config`` lists, the channel steps
  ``dropped_by``/``inhibited_by`` and ``Trace.pipeline``; until they are resources those stay empty.

Semantics choices are documented in docs/simulate-semantics.md and each lives in one module:
values.py (value forms), match.py (operators, vocabulary), windows.py (time), engine.py (order,
tie-breaks), timeline.py (notifications).
"""

from .alert import SEVERITIES, Alert
from .config import Calendar, Config, Schedule
from .engine import Simulator
from .snapshot import SnapshotError, dump_snapshot, load_snapshot, read_snapshot_file, write_snapshot_file
from .trace import (
    CaseResult,
    ChannelOutcome,
    EscalationTrace,
    Notification,
    Recipient,
    RouteTrace,
    RuleHit,
    Skipped,
    Trace,
)

__all__ = [
    "SEVERITIES",
    "Alert",
    "Calendar",
    "CaseResult",
    "ChannelOutcome",
    "Config",
    "EscalationTrace",
    "Notification",
    "Recipient",
    "RouteTrace",
    "RuleHit",
    "Schedule",
    "Simulator",
    "Skipped",
    "SnapshotError",
    "Trace",
    "dump_snapshot",
    "load_snapshot",
    "read_snapshot_file",
    "write_snapshot_file",
]
