"""Bad inputs through the real CLI, and the edge values that must be accepted exactly.

- Every case of the bad-input table (tests/provider/bad_inputs.py, 88 cases over the three
  resources: names of 40 characters in CJK, emoji and accents, IDs past 2**53 given as numbers, empty
  silence filters, windows in the past, inverted or of zero length, unknown operators, weekdays -1
  and 7, webhooks with missing settings or unknown types, ...) is refused by `pulumi preview`, which
  names the field's path, and the emulator sees not a single request. The engine stops a preview at
  the first failed check, so each case is its own preview, in a few lanes (separate stacks) at once.
- The accepted side of the same edges: names of exactly 39 characters (CJK, emoji) and a member ID
  of 2**53 + 1 written as a Python int and returned by a look-up are stored exactly and converge.
- A one-off silence window that expires after it was applied leaves the rule manageable.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from console import CHECKOUT_ID, PAYMENTS_ID, Console
from faultkit import Matrix, last
from pulumi_cli import Stack
from support.polling import wait_for
from support.processes import kill_tree

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.testing import EmulatorProcess

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "provider"))
from bad_inputs import BAD_INPUTS, Bad

MATRIX = Matrix("bad and edge inputs")
LANES = 3
DANA = 2**53 + 1
NAME_39 = "支付值班升级规则🚨" + "x" * 30
assert len(NAME_39) == 39


@pytest.fixture(scope="module", autouse=True)
def print_matrix() -> Iterator[None]:
    yield
    print(MATRIX.render())


def _python_level(bad: Bad) -> bool:
    """Cases Python itself refuses before any check: a required keyword argument left out, or one
    the resource does not have (the TypeError names the argument)."""
    top_level = "." not in bad.path and "[" not in bad.path
    return top_level and (bad.why.endswith(" missing") or bad.why.startswith("misspelt"))


def _preview(stack: Stack, bad: Bad) -> str | None:
    """Preview one bad case; the problem with the outcome, or None when it is as required.

    The CLI prints a check failure within a second or two, and then spends five more seconds
    shutting the language host down (the engine waits that long for a plugin that has already
    exited). So the output is read as it comes, and the CLI is stopped once the refusal, with the
    field's path, has been printed (that such a preview ends in failure, exit code and all, is
    tests/e2e/test_validation.py's job)."""
    stack.declare({"kind": bad.kind, "name": "bad", "args": json.loads(json.dumps(bad.inputs()))})
    proc = stack.start("preview")
    assert proc.stdout is not None
    # a check failure names no property (the engine would print its value): the path opens the reason
    field = f"'{bad.path}'" if _python_level(bad) else f"has a problem: {bad.path}"
    refusal = "TypeError" if _python_level(bad) else "has a problem"
    output = ""
    try:
        for line in proc.stdout:
            output += line
            if field in output and refusal in output:
                break
    finally:
        if proc.poll() is None:
            kill_tree(proc.pid)
        proc.wait()
    assert stack.app_key not in output, f"{bad}: the app key leaked into the preview's output"
    if field not in output or refusal not in output:
        return f"{bad}: {bad.path!r} not refused by name; the preview said:\n{output[-800:]}"
    if not _python_level(bad) and "Traceback" in output:
        return f"{bad}: a check failure must read as one, not as a crash"
    return None


def test_every_bad_input_is_refused_at_preview_naming_its_field(emu: EmulatorProcess, tmp_path: Path) -> None:
    assert len(BAD_INPUTS) >= 60
    assert {b.kind for b in BAD_INPUTS} == {"EscalationRule", "SilenceRule", "RoutingRule"}
    stacks = [Stack.generic(tmp_path / f"lane{i}", emu.base_url, emu.app_key) for i in range(LANES)]
    seq = last(emu)
    started = time.monotonic()

    def lane(i: int) -> list[str]:
        return [p for bad in BAD_INPUTS[i::LANES] if (p := _preview(stacks[i], bad)) is not None]

    with ThreadPoolExecutor(LANES) as pool:
        problems = [p for found in pool.map(lane, range(LANES)) for p in found]
    took = time.monotonic() - started
    assert problems == [], "\n\n".join(problems)
    seen = emu.requests(seq)
    assert seen == [], f"a preview of bad input reached the API: {[e['path'] for e in seen]}"
    python_level = sum(_python_level(b) for b in BAD_INPUTS)
    MATRIX.record(
        f"{len(BAD_INPUTS)} bad inputs, one `pulumi preview` each",
        f"all refused naming the field ({len(BAD_INPUTS) - python_level} by check, "
        f"{python_level} by Python's signature); 0 requests",
        took,
    )


EXACT_PROGRAM = f"""\
import pulumi
import flashduty_pulumi as fd

payments = fd.lookup_channel("Payments")
dana = fd.lookup_member("dana@example.com")  # 2**53 + 1
assert dana == {DANA}

esc = fd.EscalationRule(
    "exact",
    channel_id=payments,
    rule_name={NAME_39!r},
    template_id=fd.lookup_template("SRE Compact"),
    layers=[
        {{"target": {{"person_ids": [{DANA}], "by": {{"critical": ["voice"]}}}}}},
        {{"target": {{"person_ids": [dana, {seed.ALICE_ID}], "by": {{"follow_preference": True}}}}}},
    ],
)
sil = fd.SilenceRule(
    "exact-silence",
    channel_id=str({CHECKOUT_ID}),
    rule_name="🔕" * 39,
    filters=[[{{"key": "labels.owner", "oper": "IN", "vals": ["dana"]}}]],
    time_filters=[{{"start": "00:00", "end": "23:59", "repeat": [0, 6]}}],
)
pulumi.export("esc", esc.id)
pulumi.export("sil", sil.id)
pulumi.export("dana_ids", esc.layers.apply(lambda layers: layers[0]["target"]["person_ids"]))
"""


def test_limit_length_unicode_names_and_a_2_pow_53_plus_1_member_are_stored_exactly(
    emu: EmulatorProcess, console: Console, tmp_path: Path
) -> None:
    started = time.monotonic()
    stack = Stack(tmp_path, emu.base_url, emu.app_key)
    stack.write_program(EXACT_PROGRAM)
    stack.up()
    outputs = stack.outputs()
    (esc,) = console.escalation_rules(PAYMENTS_ID)
    (sil,) = console.silence_rules(CHECKOUT_ID)
    assert (esc["rule_id"], sil["rule_id"]) == (outputs["esc"], outputs["sil"])
    assert esc["rule_name"] == NAME_39 and sil["rule_name"] == "🔕" * 39
    assert esc["layers"][0]["target"]["person_ids"] == [DANA]  # exactly 9007199254740993
    assert sorted(esc["layers"][1]["target"]["person_ids"]) == [seed.ALICE_ID, DANA]
    assert outputs["dana_ids"] == [str(DANA)]  # in state as a string: exact in JSON, through float64
    stack.preview("--expect-no-changes")
    stack.refresh("--expect-no-changes")
    MATRIX.record(
        "39-character CJK/emoji names; member 2**53+1 as int literal and look-up",
        "stored exactly, converged",
        time.monotonic() - started,
    )


def _silence(end: int, description: str = "") -> dict[str, Any]:
    return {
        "kind": "SilenceRule",
        "name": "freeze",
        "args": {
            "channel_id": PAYMENTS_ID,
            "rule_name": "Release freeze",
            "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
            "time_filter": {"start_time": end - 3600, "end_time": end},
            "description": description,
        },
    }


def test_a_window_that_expires_after_up_leaves_the_rule_manageable(
    emu: EmulatorProcess, console: Console, new_stack: Any
) -> None:
    started = time.monotonic()
    stack: Stack = new_stack()
    end = int(time.time()) + 4
    stack.declare(_silence(end))
    stack.up()
    wait_for(lambda: time.time() > end, timeout=30, what="the one-off window to end")
    # Unchanged program: still clean (no perpetual failure), refresh reads it, other fields change.
    stack.preview("--expect-no-changes")
    stack.refresh("--expect-no-changes")
    stack.declare(_silence(end, "kept for the record"))
    stack.up()
    assert console.silence_rules(PAYMENTS_ID)[0]["description"] == "kept for the record"
    # Moving it to another time in the past is a mistake again, caught at preview.
    stack.declare(_silence(end - 86400, "kept for the record"))
    refused = stack.preview(check=False)
    assert refused.returncode != 0 and "time_filter.end_time" in "\n".join(refused.diagnostics("error"))
    stack.declare(_silence(end, "kept for the record"))
    stack.preview("--expect-no-changes")
    stack.destroy()
    assert console.silence_rules(PAYMENTS_ID) == []
    MATRIX.record(
        "one-off window expired after up: preview, refresh, update, destroy",
        "all work; moving it into the past is refused",
        time.monotonic() - started,
    )
