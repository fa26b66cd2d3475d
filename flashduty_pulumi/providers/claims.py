"""What this provider process made in this run: rule IDs, and the names it gave rules."""

from __future__ import annotations

import threading


class Claims:
    """Rules this provider process created (by rule_id, lower-case), and the names it gave them.

    A same-named rule the process made itself is never a leftover to take over, and a second rule of
    a name this run already gave a rule in that channel is refused: rule names are unique in a
    channel, in one run as over two.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: set[str] = set()
        self._names: dict[tuple[str, int, str], str] = {}

    def made(self, rule_id: str) -> None:
        with self._lock:
            self._made.add(rule_id.lower())

    def ours(self, rule_id: str) -> bool:
        with self._lock:
            return rule_id.lower() in self._made

    def reserve(self, kind: str, channel: int, name: str, holder: str) -> str | None:
        """Reserve ``name`` in ``channel`` for ``holder``; the earlier holder if already reserved."""
        with self._lock:
            earlier = self._names.setdefault((kind, channel, name), holder)
            return None if earlier == holder else earlier

    def release(self, kind: str, channel: int, name: str, holder: str, *, to: str | None = None) -> None:
        """Let go of ``name`` if ``holder`` holds it (or hand it ``to`` another holder)."""
        with self._lock:
            if self._names.get((kind, channel, name)) == holder.lower():
                if to is None:
                    del self._names[(kind, channel, name)]
                else:
                    self._names[(kind, channel, name)] = to.lower()
