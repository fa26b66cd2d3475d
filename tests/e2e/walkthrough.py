"""The README's walk-through as a script: its tagged command and file blocks, in order.

A block is tagged by an HTML comment right above it, which a reader of the rendered README never
sees: ``<!-- walkthrough: NAMES [in-repo] [background] [file=PATH] -->``. NAMES say which
walk-throughs the block belongs to (``own``: from an empty directory; ``template``: from the
``pulumi new`` template). ``in-repo`` blocks run in the repository, ``background`` blocks are "a
second terminal" (started, left running, and waited for), ``file=`` blocks are written to that
path, and the rest run in order in one shell from an empty directory, so ``cd`` and ``export``
carry over as they would for the reader. The only rewrite is the emulator's port: the README's
8787 becomes a free one, so parallel runs and a running ``make emulator`` cannot collide.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

README_PORT = "8787"
TAG = re.compile(r"<!-- walkthrough: (?P<tags>[^>]*?) -->\n```(?P<lang>\w*)\n(?P<body>.*?)\n```\n", re.S)


@dataclass(frozen=True)
class Block:
    names: frozenset[str]
    body: str
    in_repo: bool = False
    background: bool = False
    file: str | None = None


def blocks(readme: str) -> list[Block]:
    out = []
    for m in TAG.finditer(readme):
        tags = m["tags"].split()
        file = next((t.removeprefix("file=") for t in tags if t.startswith("file=")), None)
        flags = {t for t in tags if t in ("in-repo", "background")}
        names = frozenset(t for t in tags if t not in flags and not t.startswith("file="))
        out.append(Block(names, m["body"], "in-repo" in flags, "background" in flags, file))
    return out


def script(readme: str, name: str, *, repo: Path, start: Path, port: int) -> str:
    """The bash script that runs walk-through ``name`` as a reader would, traced (set -x)."""
    lines = ["set -euo pipefail", "set -x"]
    chosen = [b for b in blocks(readme) if name in b.names]
    if not chosen:
        raise ValueError(f"the README has no blocks tagged for the {name!r} walk-through")
    lines.append(f"cd {shlex.quote(str(repo))}")
    for b in chosen:
        if b.in_repo:
            lines.append(b.body)
    lines.append(f"cd {shlex.quote(str(start))}")
    for i, b in enumerate(chosen):
        body = b.body.replace(README_PORT, str(port))
        if b.in_repo:
            continue
        if b.file is not None:
            lines.append(f"cat > {shlex.quote(b.file)} <<'WALKTHROUGH_EOF'\n{body}\nWALKTHROUGH_EOF")
        elif b.background:
            log = start / f"background-{i}.log"
            lines.append(f"( cd {shlex.quote(str(start))} && {body} ) > {shlex.quote(str(log))} 2>&1 &")
            lines.append(_wait_for_port(port, log))
        else:
            lines.append(body)
    return "\n".join(lines) + "\n"


def _wait_for_port(port: int, log: Path) -> str:
    return (
        "set +x; for _ in $(seq 300); do "
        f"(exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; sleep 0.1; done; "
        f"(exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null "
        f'|| {{ echo "nothing listens on {port} after 30 s:"; cat {shlex.quote(str(log))}; exit 1; }}; set -x'
    )
