"""Peak memory of the emulator under 100 requests of 1 MB, side by side with 100 small ones.

Each scenario runs on a fresh emulator process; the figure is the process's peak resident set
(VmHWM in /proc/PID/status, Linux) against its resident set when idle after start-up:

- small:     100 small valid creates (the baseline);
- refused:   100 bodies of 1 MB that are valid JSON but break the schema (description too long),
             so each is parsed, validated, refused and logged (truncated);
- stored:    100 accepted creates of 1 MB (free-form webhook settings), each deleted again;
- parallel:  the `refused` load from 4 threads at once.

    .venv/bin/python benchmarks/emulator_memory.py [--compare DIR]

--compare DIR runs every scenario also on the emulator of another checkout (e.g. a `git worktree` of
an older revision) and prints both lines and the ratio of their peaks.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

CREATE = "/channel/escalate/rule/create"
MB = 1_000_000


def _status(pid: int, field: str) -> int:
    """A /proc/PID/status figure in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def _body(description: str = "", settings: dict[str, Any] | None = None) -> dict[str, Any]:
    target: dict[str, Any] = {"person_ids": [seed.ALICE_ID], "by": {"follow_preference": True}}
    if settings is not None:
        target["webhooks"] = [{"type": "custom", "settings": settings}]
    return {
        "channel_id": seed.CHANNEL_PAYMENTS_ID,
        "rule_name": "memory",
        "template_id": seed.PRESET_TEMPLATE_ID,
        "description": description,
        "layers": [{"target": target}],
    }


def _post(client: httpx.Client, key: str, body: bytes) -> httpx.Response:
    return client.post(
        CREATE, params={"app_key": key}, content=body, headers={"Content-Type": "application/json"}
    )


def small(emu: EmulatorProcess) -> None:
    body = json.dumps(_body()).encode()
    with httpx.Client(base_url=emu.base_url) as client:
        for _ in range(100):
            assert _post(client, emu.app_key, body).status_code == 200


REFUSED = json.dumps(_body(description="d" * (MB - 300))).encode()


def refused(emu: EmulatorProcess) -> None:
    with httpx.Client(base_url=emu.base_url) as client:
        for _ in range(100):
            assert _post(client, emu.app_key, REFUSED).status_code == 400


def stored(emu: EmulatorProcess) -> None:
    # about 1 MB of many small values: the parsed form is far larger than the text
    settings = {"url": "https://hooks.example/x", "labels": [f"v{i:07d}" for i in range(MB // 12)]}
    body = json.dumps(_body(settings=settings)).encode()
    assert 0.9 * MB < len(body) < 1.05 * MB, len(body)
    with httpx.Client(base_url=emu.base_url) as client:
        for _ in range(100):
            answer = _post(client, emu.app_key, body)
            assert answer.status_code == 200, answer.text
            rule_id = answer.json()["data"]["rule_id"]
            emu.call(
                "/channel/escalate/rule/delete", {"channel_id": seed.CHANNEL_PAYMENTS_ID, "rule_id": rule_id}
            )


def parallel(emu: EmulatorProcess) -> None:
    def worker(_: int) -> None:
        with httpx.Client(base_url=emu.base_url) as client:
            for _ in range(25):
                assert _post(client, emu.app_key, REFUSED).status_code == 400

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(worker, range(4)))


def measure(name: str, load: Callable[[EmulatorProcess], None], code_root: Path | None = None) -> int:
    with EmulatorProcess(rate_limit=False, code_root=code_root) as emu:
        assert emu.pid is not None
        emu.post("/channel/list", {})  # validators built, as in real use
        idle = _status(emu.pid, "VmRSS")
        started = time.monotonic()
        load(emu)
        seconds = time.monotonic() - started
        peak = _status(emu.pid, "VmHWM")
        logged = len(json.dumps(emu.requests())) // 1024
        where = f"({code_root})" if code_root else ""
        print(
            f"{name:<9} idle {idle:4d} MiB   peak {peak:4d} MiB   peak/idle {peak / idle:4.2f}   "
            f"request log {logged:6d} KiB   {seconds:5.1f} s   {where}"
        )
        return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, default=None, help="another checkout to measure too")
    args = parser.parse_args()
    print("100 requests each, fresh emulator per line (VmHWM = peak resident set)")
    for name, load in (("small", small), ("refused", refused), ("stored", stored), ("parallel", parallel)):
        peak = measure(name, load)
        if args.compare is not None:
            try:
                other = measure(name, load, args.compare)
            except (AssertionError, httpx.HTTPError, RuntimeError) as error:
                print(f"{name:<9} the other emulator failed this load: {type(error).__name__}")
                continue
            print(f"{name:<9} peak ratio other/this {other / peak:5.2f}")


if __name__ == "__main__":
    main()
