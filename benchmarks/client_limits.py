"""The client alone against the emulator: limiter throughput and riding out 30% 503s.

Prints two figures the API-foundation issue asks for (not a timed test):

1. 600 `/channel/escalate/rule/list` calls from 8 threads through one process's client, with the
   emulator's 50 requests/s and 1,000/min limit on: achieved requests/s, 429s the server sent and
   429s that reached the caller (target 0).
2. 300 calls, each request failing with 503 with probability 0.3 (fixed seed): how many succeeded,
   how many retries it took, what reached the caller.

    .venv/bin/python benchmarks/client_limits.py
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from flashduty_pulumi.client import FlashdutyClient, FlashdutyError
from flashduty_pulumi.client.rule_families import ESCALATION_RULES
from flashduty_pulumi.emulator.seed import CHANNEL_PAYMENTS_ID
from flashduty_pulumi.emulator.testing import EmulatorProcess


def hammer(client: FlashdutyClient, calls: int, threads: int) -> tuple[float, int]:
    """Make ``calls`` list calls from ``threads`` threads; (seconds, errors seen by the caller)."""

    def one(_: int) -> int:
        try:
            client.rule_list(ESCALATION_RULES, CHANNEL_PAYMENTS_ID)
            return 0
        except FlashdutyError:
            return 1

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        errors = sum(pool.map(one, range(calls)))
    return time.monotonic() - started, errors


def main() -> None:
    with EmulatorProcess(rate_limit=True) as emu:
        client = FlashdutyClient(app_key=emu.app_key, base_url=emu.base_url)
        seconds, errors = hammer(client, 600, 8)
        sent_429 = sum(1 for r in emu.requests() if r["status"] == 429)
        print("limiter: 600 calls, 8 threads, server limit 50/s and 1,000/min")
        print(f"  {600 / seconds:.1f} requests/s over {seconds:.1f} s ({600 / seconds / 50:.0%} of 50/s)")
        print(f"  429s sent by the server: {sent_429}; errors reaching the caller: {errors}")

        emu.reset()
        emu.set_rate_limit(False)
        emu.add_fault(status=503, probability=0.3, seed=7, count=None)
        client = FlashdutyClient(app_key=emu.app_key, base_url=emu.base_url)
        seconds, errors = hammer(client, 300, 4)
        log = emu.requests()
        failed = sum(1 for r in log if r["status"] == 503)
        print("30% of requests fail with 503 (seed 7): 300 calls, 4 threads")
        print(f"  {len(log)} requests sent, {failed} answered 503 ({failed / len(log):.0%}),")
        print(
            f"  {client.retry_count} retries, {300 - errors} of 300 calls succeeded, "
            f"{errors} errors reached the caller, {seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
