"""Auth failures through the real CLI: a wrong app key, and a key whose user may read but not write.

Each ends in one clear error naming the problem (no Python traceback, the same message however many
resources hit it) after a handful of requests at most (no retry storm: 401/403 are never retried,
and the client stops calling once the key was refused). After fixing the key, `up` converges and
`preview --expect-no-changes` passes.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console import CHECKOUT_ID, PAYMENTS_ID, SHARED_INTEGRATION_ID
from faultkit import Matrix
from pulumi_cli import Result, Stack

from flashduty_pulumi.client.authgate import NOT_SENT
from flashduty_pulumi.emulator.testing import EmulatorProcess

MATRIX = Matrix("auth failures")
READ_ONLY_KEY = "fd-read-only-key-0c1f9e"
WRONG_KEY = "fd-wrong-key-6d2b71aa"
REQUEST_ID = re.compile(r"request_id [0-9A-Z]+")


@pytest.fixture(scope="module")
def auth_emu() -> Iterator[EmulatorProcess]:
    """An emulator that also knows a read-only key (403 AccessDenied on every write)."""
    with EmulatorProcess(read_only_key=READ_ONLY_KEY) as emu:
        yield emu


@pytest.fixture(scope="module", autouse=True)
def print_matrix() -> Iterator[None]:
    yield
    print(MATRIX.render())


def many_rules(n: int, *, lookups: bool) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for i in range(n):
        channel: Any = (
            {"lookup_channel": "Payments"} if lookups and i == 0 else (PAYMENTS_ID, CHECKOUT_ID)[i % 2]
        )
        if i % 2:
            rules.append(
                {
                    "kind": "SilenceRule",
                    "name": f"sil{i}",
                    "args": {
                        "channel_id": channel,
                        "rule_name": f"Auth silence {i}",
                        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
                        "time_filters": [{"start": "01:00", "end": "02:00"}],
                    },
                }
            )
        else:
            rules.append(
                {
                    "kind": "EscalationRule",
                    "name": f"esc{i}",
                    "args": {
                        "channel_id": channel,
                        "rule_name": f"Auth escalation {i}",
                        "template_id": "000000000000000000000001",
                        "layers": [
                            {"target": {"emails": ["oncall@example.com"], "by": {"critical": ["email"]}}}
                        ],
                    },
                }
            )
    rules.append(
        {
            "kind": "RoutingRule",
            "name": "route",
            "args": {"integration_id": SHARED_INTEGRATION_ID, "default": {"channel_ids": [PAYMENTS_ID]}},
        }
    )
    return rules


def one_clear_error(result: Result, needle: str) -> str:
    """The failure names the problem, reads as one message (identical however many resources
    failed with it), and is the provider's own error, not a crash somewhere in our code."""
    assert result.returncode != 0, str(result)
    named = [_message(d) for d in result.diagnostics("error") if needle in d]
    assert named, f"no error says {needle!r}:\n{result}"
    distinct = {_gist(d) for d in named}
    assert len(distinct) == 1, f"more than one way of saying it: {distinct}"
    return named[0]


# Newer pulumi SDKs (3.272 here; not 3.259 or older) report any exception a dynamic provider raises
# with its Python traceback. Ours is then three frames: the SDK's gRPC wrapper, its Create/Read/...,
# and the provider's own error boundary, which raises the one message (from None).
SDK_FRAMES = ("pulumi/dynamic/__main__.py", "flashduty_pulumi/providers/base.py")
FRAME = re.compile(r'^\s*File "([^"]+)", line \d+, in ', re.M)


def _message(diagnostic: str) -> str:
    """The provider's message: the diagnostic itself, or the last line of the SDK's traceback
    (``module.ProviderError: message``) after checking that no other code is in it."""
    if "Traceback (most recent call last)" not in diagnostic:
        return diagnostic
    frames = FRAME.findall(diagnostic)
    assert frames and all(f.endswith(SDK_FRAMES) for f in frames), f"a crash, not an error:\n{diagnostic}"
    assert "During handling of the above exception" not in diagnostic, diagnostic
    last = diagnostic.strip().splitlines()[-1]
    assert last.startswith("flashduty_pulumi.providers.base.ProviderError: "), diagnostic
    return last.split(": ", 1)[1]


def _gist(diagnostic: str) -> str:
    """A diagnostic without what differs between resources: request IDs, the endpoint, the
    resource kind, the not-sent note."""
    text = REQUEST_ID.sub("request_id …", diagnostic)
    text = re.sub(r"\(/[a-z/]+\)", "(…)", text)
    text = re.sub(r"(escalation|silence|routing) rule (create|read|update|delete) failed", "… failed", text)
    return text.replace(f" ({NOT_SENT})", "").strip()


def requests(emu: EmulatorProcess, since: int) -> Counter[str]:
    return Counter(f"{e['path']} {e['status']}" for e in emu.requests(since))


def fix_and_converge(stack: Stack, emu: EmulatorProcess) -> None:
    stack.app_key = emu.app_key
    stack.set_config("flashduty:appKey", emu.app_key, secret=True)
    stack.up()
    stack.preview("--expect-no-changes")


def rule_ids(resources: list[dict[str, Any]]) -> set[str]:
    return {r["id"] for r in resources if r.get("type", "").endswith(("EscalationRule", "SilenceRule"))}


def last(emu: EmulatorProcess) -> int:
    entries = emu.requests()
    return int(entries[-1]["seq"]) if entries else 0


@pytest.mark.parametrize("lookups", [True, False], ids=["program-look-ups", "provider-only"])
def test_wrong_app_key(auth_emu: EmulatorProcess, tmp_path: Path, lookups: bool) -> None:
    emu = auth_emu
    emu.reset()
    stack = Stack.generic(tmp_path, emu.base_url, WRONG_KEY)
    stack.declare(*many_rules(20, lookups=lookups))
    seq = last(emu)
    started = time.monotonic()
    result = stack.up(check=False)
    took = time.monotonic() - started
    message = one_clear_error(result, "Flashduty did not accept the app key")
    assert "flashduty:appKey" in message  # it says where the key comes from
    seen = requests(emu, seq)
    assert sum(seen.values()) == 1, f"one refused request is enough to know: {seen}"
    assert emu.writes() == []
    MATRIX.record(
        f"wrong app key ({'look-ups in the program' if lookups else '21 resources, provider only'})",
        "one clear error, 1 request, nothing written",
        took,
        requests=sum(seen.values()),
        errors=len(result.diagnostics("error")),
    )
    fix_and_converge(stack, emu)


def test_key_without_write_permission(auth_emu: EmulatorProcess, tmp_path: Path) -> None:
    emu = auth_emu
    emu.reset()
    stack = Stack.generic(tmp_path, emu.base_url, READ_ONLY_KEY)
    stack.declare(*many_rules(20, lookups=True))
    seq = last(emu)
    started = time.monotonic()
    result = stack.up(check=False)
    took = time.monotonic() - started
    one_clear_error(result, "lacks the permission")
    seen = requests(emu, seq)
    refused = {k: n for k, n in seen.items() if k.endswith(" 403")}
    assert refused and all(n == 1 for n in refused.values()), (
        f"each write endpoint refused once at most: {seen}"
    )
    assert not any(e["write"] and e["status"] == 200 for e in emu.requests(seq))
    MATRIX.record(
        "key whose user cannot write (403 on writes)",
        "one clear error per endpoint, refused once each, nothing written",
        took,
        requests=sum(seen.values()),
        refused=sum(refused.values()),
        errors=len(result.diagnostics("error")),
    )
    fix_and_converge(stack, emu)


def test_key_revoked_after_up(auth_emu: EmulatorProcess, tmp_path: Path) -> None:
    """An existing stack whose key stops working: refresh and destroy fail clearly and change
    nothing, neither in Flashduty nor in the state.

    The key comes from FLASHDUTY_APP_KEY here. (A key in stack config is also recorded, encrypted,
    in the state's default provider, and refresh/destroy use that recorded one: rotating it in
    config takes an `up` first, as the README says.)"""
    emu = auth_emu
    emu.reset()
    stack = Stack.generic(tmp_path, emu.base_url, emu.app_key, key_in_env=True)
    stack.declare(*many_rules(10, lookups=False))
    stack.up()
    before = stack.resources()
    applied = last(emu)
    stack.app_key = stack.env["FLASHDUTY_APP_KEY"] = WRONG_KEY
    started = time.monotonic()
    for command in (stack.refresh, stack.destroy):
        seq = last(emu)
        result = command(check=False)
        one_clear_error(result, "Flashduty did not accept the app key")
        seen = requests(emu, seq)
        assert sum(seen.values()) == 1, seen
    assert not any(e["write"] and e["status"] == 200 for e in emu.requests(applied)), "nothing changed"
    # Every rule is still in the state. (The route's delete_behavior "retain" needs no API call, so
    # destroy may already have let go of it: it stays in Flashduty either way.)
    assert rule_ids(stack.resources()) == rule_ids(before)
    MATRIX.record(
        "key revoked after up: refresh, destroy",
        "one clear error each, 1 request each, nothing changed",
        time.monotonic() - started,
    )
    stack.app_key = stack.env["FLASHDUTY_APP_KEY"] = emu.app_key
    stack.up()  # takes the route back if destroy had let go of it
    stack.preview("--expect-no-changes")
    stack.refresh("--expect-no-changes")
