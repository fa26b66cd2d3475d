"""Ownership through the real CLI: no sequence of documented Pulumi operations deletes, disables or
overwrites a rule another resource's state holds, or one changed outside Pulumi since it was read.

Each story ends with the live rules checked in the emulator, not only with what Pulumi reports.
"""

from __future__ import annotations

from typing import Any

from console import PAYMENTS_ID, Console, last_seq, write_counts
from pulumi_cli import Result, Stack

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

NO_SUCH_CHANNEL = 999999999


def rule(name: str, *, description: str = "", channel: int = PAYMENTS_ID, opts: Any = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": "EscalationRule",
        "name": name,
        "args": {
            "channel_id": channel,
            "rule_name": "Payments on-call",
            "template_id": seed.CUSTOM_TEMPLATE_ID,
            "description": description,
            "layers": [{"target": {"person_ids": [seed.BOB_ID], "by": {"follow_preference": True}}}],
        },
    }
    if opts:
        entry["opts"] = opts
    return entry


def failing(name: str = "broken") -> dict[str, Any]:
    """Passes check, fails at create: its channel does not exist."""
    return {
        "kind": "SilenceRule",
        "name": name,
        "args": {
            "channel_id": NO_SUCH_CHANNEL,
            "rule_name": "never made",
            "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
            "time_filters": [{"start": "01:00", "end": "02:00"}],
        },
    }


def urn(stack: Stack, name: str) -> str:
    return f"urn:pulumi:{stack.name}::fde2e::pulumi-python:dynamic/flashduty:EscalationRule::{name}"


def warnings(result: Result) -> str:
    """Everything the engine reported (the provider's warnings reach it on its stderr)."""
    return "\n".join(result.diagnostics()) + result.stderr


def errors(result: Result) -> str:
    return "\n".join(result.diagnostics("error"))


def did(result: Result) -> dict[str, list[str]]:
    """Resource name -> the changing ops of a run (refresh steps and "same" left out)."""
    ops = {n: [op for op in o if op not in ("refresh", "same", "read")] for n, o in result.steps().items()}
    return {n: o for n, o in ops.items() if o}


def held(stack: Stack) -> dict[str, str]:
    """Resource name -> rule_id, from the stack's state."""
    return {r["urn"].rsplit("::", 1)[1]: r["id"] for r in stack.resources(kind="EscalationRule")}


def live_ids(console: Console) -> list[str]:
    return [r["rule_id"] for r in console.escalation_rules(PAYMENTS_ID)]


def test_renames_in_one_stack_never_lose_the_rule(
    emu: EmulatorProcess, console: Console, new_stack: Any
) -> None:
    """A rename with an alias; without one in a run that fails before the old delete; with `up
    --target` on the new name and a full `up` later; then `up --refresh`."""
    stack: Stack = new_stack()
    stack.declare(rule("first"))
    stack.up()
    (rule_id,) = live_ids(console)

    # with an alias: the same resource, nothing to do
    stack.declare(rule("second", opts={"aliases": ["first"]}))
    assert stack.preview().changed() == {}
    stack.up()
    assert held(stack) == {"second": rule_id}

    # without an alias, in a run that fails: the new resource takes the rule over, the old delete never runs
    stack.declare(rule("third"), failing())
    failed = stack.up(check=False)
    assert failed.returncode != 0, str(failed)
    assert "aliases=[...]" in warnings(failed), str(failed)
    assert held(stack) == {"second": rule_id, "third": rule_id}
    # the next up deletes the old resource: the rule stays, held by the new one
    stack.declare(rule("third"))
    seq = last_seq(emu)
    after = stack.up()
    assert did(after) == {"second": ["delete"]}, str(after)
    assert "left in place" in warnings(after), str(after)
    assert write_counts(emu, seq) == {}
    assert live_ids(console) == [rule_id] and held(stack) == {"third": rule_id}

    # `up --target` on a renamed resource, then a full `up --refresh`
    stack.declare(rule("fourth"))
    stack.up("--target", urn(stack, "fourth"))
    assert held(stack) == {"third": rule_id, "fourth": rule_id}
    full = stack.up("--refresh")
    assert did(full) == {"third": ["delete"]}, str(full)
    assert live_ids(console) == [rule_id] and held(stack) == {"fourth": rule_id}
    stack.assert_converged()

    # the holder still manages it, and its destroy deletes it
    stack.declare(rule("fourth", description="still ours"))
    stack.up()
    assert console.escalation_rules(PAYMENTS_ID)[0]["description"] == "still ours"
    stack.destroy()
    assert live_ids(console) == []


def test_a_rule_moved_between_stacks_and_a_console_edit(
    emu: EmulatorProcess, console: Console, new_stack: Any
) -> None:
    """Stack A made the rule; stack B declares it too (takes it over). A's refresh, update and
    delete leave it to B. Then `pulumi state delete` + `up` in B, a console edit (refused until
    refreshed, then reverted), and B's destroy."""
    a: Stack = new_stack("a")
    a.declare(rule("oncall"))
    a.up()
    (rule_id,) = live_ids(console)

    b: Stack = new_stack("b")
    b.declare(rule("oncall"))
    took = b.up()
    advice = warnings(took)
    assert "taken over" in advice and "pulumi state delete" in advice and "retain_on_delete" in advice, advice
    assert held(b) == {"oncall": rule_id} and live_ids(console) == [rule_id]

    # A's refresh keeps A's state (it does not become the holder again), its update is refused
    refreshed = a.refresh()
    assert "has taken it over" in warnings(refreshed), str(refreshed)
    a.declare(rule("oncall", description="A's edit"))
    seq = last_seq(emu)
    refused = a.up("--refresh", check=False)
    assert refused.returncode != 0 and "has taken it over, so the update was refused" in errors(refused), str(
        refused
    )
    # A lets go: its delete leaves the rule to B
    a.declare()
    gone = a.up("--refresh")
    assert did(gone) == {"oncall": ["delete"]} and "left in place" in warnings(gone), str(gone)
    assert write_counts(emu, seq) == {}
    assert live_ids(console) == [rule_id] and a.resources(kind="EscalationRule") == []
    b.assert_converged()

    # `pulumi state delete` then `up`: the rule is taken over again, not duplicated
    b.run("state", "delete", urn(b, "oncall"), "--yes", "--stack", b.name)
    b.up()
    assert held(b) == {"oncall": rule_id} and live_ids(console) == [rule_id]

    # a console edit: neither overwritten nor deleted until refreshed; then up reverts it
    console.rename_escalation_rule(PAYMENTS_ID, rule_id, "Renamed by hand")
    b.declare(rule("oncall", description="B's edit"))
    seq = last_seq(emu)
    blocked = b.up(check=False)
    assert "changed outside Pulumi since this stack last read it" in errors(blocked), str(blocked)
    no_destroy = b.destroy(check=False)
    assert no_destroy.returncode != 0 and "pulumi refresh" in errors(no_destroy), str(no_destroy)
    assert write_counts(emu, seq) == {}
    assert console.escalation_rules(PAYMENTS_ID)[0]["rule_name"] == "Renamed by hand"
    b.refresh()
    b.up()
    (now,) = console.escalation_rules(PAYMENTS_ID)
    assert now["rule_name"] == "Payments on-call" and now["description"] == "B's edit"
    b.destroy()
    assert live_ids(console) == []


def test_same_names_in_one_program_and_a_rename_into_a_used_name(
    emu: EmulatorProcess, console: Console, new_stack: Any
) -> None:
    stack: Stack = new_stack()
    one, two = rule("one"), rule("two", description="other settings")
    stack.declare(one, two)
    seq = last_seq(emu)
    preview = stack.preview(check=False)
    said = preview.output
    assert preview.returncode != 0 and "'one' and 'two' both give channel" in said, said
    assert "Traceback" not in said, said
    # a rename into a name in use in the channel is refused, nothing written
    two["args"]["rule_name"] = "Checkout on-call"
    stack.declare(one, two)
    stack.up()
    two["args"]["rule_name"] = "Payments on-call"
    stack.declare(one, two)
    assert stack.preview(check=False).returncode != 0  # known at preview
    two["args"]["rule_name"] = {"ref": "one.rule_name"}  # the same name, known only once `one` exists
    stack.declare(one, two)
    seq = last_seq(emu)
    refused = stack.up(check=False)
    assert "rule names must be unique in a channel" in refused.output, str(refused)
    assert write_counts(emu, seq) == {}
    assert sorted(r["rule_name"] for r in console.escalation_rules(PAYMENTS_ID)) == [
        "Checkout on-call",
        "Payments on-call",
    ]
    stack.declare()
    stack.up()
    assert live_ids(console) == []
