"""Throughput of the emulator's HTTP layer: small API calls over keep-alive connections.

The figure behind keeping the standard library's threading server: what a test suite or the
benchmarks ask of it (hundreds of calls per second, limited to 50/s by default anyway) against what
it delivers, from one connection and from 8 threads with a connection each.

    .venv/bin/python benchmarks/emulator_http.py [--compare DIR]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

CALLS = 2_000


def _calls(emu: EmulatorProcess, count: int) -> None:
    body = {"channel_id": seed.CHANNEL_PAYMENTS_ID}
    with httpx.Client(base_url=emu.base_url) as client:
        for _ in range(count):
            response = client.post("/channel/escalate/rule/list", params={"app_key": emu.app_key}, json=body)
            assert response.status_code == 200


def measure(code_root: Path | None) -> tuple[float, float]:
    with EmulatorProcess(rate_limit=False, code_root=code_root) as emu:
        _calls(emu, 50)  # warm up
        started = time.monotonic()
        _calls(emu, CALLS)
        one = CALLS / (time.monotonic() - started)
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: _calls(emu, CALLS // 8), range(8)))
        eight = CALLS / (time.monotonic() - started)
    return one, eight


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, default=None, help="another checkout to measure too")
    args = parser.parse_args()
    rows = [("this checkout", measure(None))]
    if args.compare is not None:
        rows.append((str(args.compare), measure(args.compare)))
    for name, (one, eight) in rows:
        print(f"{name:<32} 1 connection {one:6.0f} calls/s   8 threads {eight:6.0f} calls/s")
    if len(rows) == 2:
        (_, (a1, a8)), (_, (b1, b8)) = rows
        print(f"{'ratio this/other':<32} 1 connection {a1 / b1:6.2f}          8 threads {a8 / b8:6.2f}")


if __name__ == "__main__":
    main()
