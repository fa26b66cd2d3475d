"""An `up` of the 50-rule stack interrupted half-way, then run again: no duplicate, nothing lost.

- The dynamic provider process is SIGKILLed once the emulator has logged some creates. The engine
  reports the in-flight creates as failed and records no pending operation, so the rules the server
  made for them are in no state: the next `up` must find them by name and take them over.
- The CLI itself is SIGKILLed (a cancelled CI job). It leaves the stack locked and the in-flight
  creates recorded as pending: `pulumi cancel` releases the lock, and the next `up` (which warns
  about the pending operations and drops them) takes the rules over the same way.

Creates answer 300 ms late here, so the kill lands with creates in flight. The README's
"Troubleshooting" section describes the same recovery for users.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from console import Console
from faultkit import Converged, Matrix, UpProcess, fault_facts, fifty_rules, last
from pulumi_cli import Stack
from support.polling import wait_for, wait_until_steady

from flashduty_pulumi.emulator.testing import EmulatorProcess

MATRIX = Matrix("`pulumi up` of 50 rules + 1 route interrupted, then run again")
TOOK_OVER = "that this resource's state does not hold, so it was taken over"
CREATE_LATENCY = 0.3  # seconds each create is held in the emulator, so that a kill finds some in flight


@pytest.fixture(scope="module", autouse=True)
def print_matrix() -> Iterator[None]:
    yield
    print(MATRIX.render())


def creates_done(emu: EmulatorProcess, since: int) -> int:
    return sum(1 for e in emu.requests(since) if e["path"].endswith("/create") and e["status"] == 200)


def interrupted(
    emu: EmulatorProcess, console: Console, workdir: Path
) -> tuple[Stack, Converged, UpProcess, int]:
    stack = Stack.generic(workdir, emu.base_url, emu.app_key)
    converged = Converged(stack, emu, console, fifty_rules(stack))
    emu.add_fault(latency_ms=300, path="/create", count=None)
    seq = last(emu)
    up = UpProcess(stack)
    try:
        wait_for(lambda: creates_done(emu, seq) >= 10, timeout=90, what="ten creates")
    except AssertionError:
        if up.proc.poll() is None:
            up.kill_cli()
        raise AssertionError(f"no ten creates; the up said:\n{up.wait()[1][-3000:]}") from None
    return stack, converged, up, seq


def settle(emu: EmulatorProcess, converged: Converged) -> tuple[int, int]:
    """After the kill: let the creates still held in the emulator land (the request log stops
    growing for twice their latency), then count live rules and rules in the state."""
    wait_until_steady(lambda: last(emu), steady_for=2 * CREATE_LATENCY, timeout=30, what="the request log")
    emu.clear_faults()
    live = len(converged.live())
    in_state = sum(
        1
        for r in converged.stack.resources()
        if r.get("type", "").endswith(("EscalationRule", "SilenceRule"))
    )
    return live, in_state


def repair_checkpoint(stack: Stack) -> int:
    """A CLI killed while it writes the checkpoint to a file backend can leave the checkpoint's
    metadata sidecar (``<stack>.json.attrs``) empty; every command then fails with `failed to load
    checkpoint: EOF` although the checkpoint itself is whole. The README's recovery: delete the empty
    sidecar. Returns how many were removed (usually 0: the kill rarely lands in that write)."""
    empty = [p for p in (stack.workdir / "backend").rglob("*.json.attrs") if p.stat().st_size == 0]
    for path in empty:
        path.unlink()
    return len(empty)


def test_provider_killed_mid_up(emu: EmulatorProcess, console: Console, tmp_path: Path) -> None:
    started = time.monotonic()
    stack, converged, up, seq = interrupted(emu, console, tmp_path)
    victims = up.kill_provider()
    assert victims, "no dynamic provider process found under the up"
    code, output = up.wait()
    assert code != 0, output
    live, in_state = settle(emu, converged)
    unrecorded = live - in_state
    assert 0 < live < 50, f"the kill should land half-way: {live} rules made"

    again = converged.scan(stack.up())
    facts = converged.check()  # first: a duplicate or a lost rule is the failure that matters
    # The provider's warnings reach the engine through its stderr, where lines written at the same
    # moment can arrive as one diagnostic: count the sentences, not the diagnostics.
    took_over = sum(d.count(TOOK_OVER) for d in again.diagnostics())
    assert took_over == unrecorded, f"{unrecorded} rules were made but not recorded; {took_over} taken over"
    MATRIX.record(
        "dynamic provider SIGKILLed, then `up`",
        "converged, no duplicate, nothing lost",
        time.monotonic() - started,
        made_before_kill=live,
        recorded=in_state,
        taken_over=took_over,
        **fault_facts(emu, seq),
        **facts,
    )


def test_cli_killed_mid_up(emu: EmulatorProcess, console: Console, tmp_path: Path) -> None:
    started = time.monotonic()
    stack, converged, up, seq = interrupted(emu, console, tmp_path)
    up.kill_cli()
    up.wait()
    repaired = repair_checkpoint(stack)
    live, in_state = settle(emu, converged)
    pending = stack.run("stack", "export", "--stack", stack.name).stdout.count('"type": "creating"')

    locked = stack.up(check=False)
    assert locked.returncode != 0 and "locked" in locked.output, locked.output
    stack.run("cancel", "--yes", "--stack", stack.name)
    again = converged.scan(stack.up())
    assert "pending operations" in "\n".join(again.diagnostics()) or pending == 0
    facts = converged.check()
    took_over = sum(d.count(TOOK_OVER) for d in again.diagnostics())
    assert took_over == live - in_state, f"{live - in_state} made but not recorded; {took_over} taken over"
    MATRIX.record(
        "CLI SIGKILLed (cancelled job), `pulumi cancel`, then `up`",
        "converged, no duplicate, nothing lost",
        time.monotonic() - started,
        made_before_kill=live,
        recorded=in_state,
        pending_creates=pending,
        empty_attrs_removed=repaired,
        taken_over=took_over,
        **fault_facts(emu, seq),
        **facts,
    )
