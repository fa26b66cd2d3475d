"""How flashduty-pulumi scales with the number of rules in one stack (a benchmark, not a test).

    make bench                                               # = .venv/bin/python benchmarks/bench.py
    .venv/bin/python benchmarks/bench.py --quick             # N = 50 only (about 30 s)
    .venv/bin/python benchmarks/bench.py --sizes 200 --channels 40 --profile /tmp/prof

For each N (``--sizes``, default 50, 200, 500), against a fresh emulator (rate limit ON: 50
requests/s and 1,000/min) seeded with ``--channels`` channels (default 25), N rules (escalation and
silence rules alternating) are spread round-robin over the channels and declared by a generic
program (``benchmarks/program``) from a JSON file. Then, with the real ``pulumi`` CLI (local file
backend), each command starting with the server's rate-limit windows empty:

1. ``pulumi up --skip-preview`` from empty: wall time, API calls (the emulator's request log),
   calls per rule, 429s the server sent and 429s the user saw (in the CLI's output), the achieved
   request rate and the best rate the limits allow for that many calls (50/s, and 1,000 per sliding
   minute: beyond 1,000 calls the per-minute window binds), the CPU time of the CLI and everything
   it started (of which the program and the provider's RPCs), and the Create RPC's time;
2. ``pulumi preview --expect-no-changes`` of the unchanged stack: wall time, API calls, CPU;
3. ``pulumi refresh --expect-no-changes``: wall time, API calls (of which list calls), per rule;
3b. the reference rows, in the same run: the same three commands over N no-op dynamic resources
   with the same inputs (``benchmarks/noop``: Pulumi's own floor), and the floor of a provider that
   creates a rule with 1 API call (the Terraform provider's count) under the API's limits; then our
   figures as ratios to them (up against the larger of its API-limit floor and the no-op up);
4. ``pulumi up`` from empty again with ``--latency-ms`` (default 100) added to every request, as
   against a distant API: the provider process serves at most 4 RPCs at once, so the rate is
   bounded by about 4 requests per round trip (``--latency-ms 0`` skips this);
   ``--no-checkpoints`` adds one more with ``PULUMI_SKIP_CHECKPOINTS=true``;
5. the provider's own overhead, with the CLI-free gRPC harness (``tests/provider/harness.py``)
   driving one real ``python -m pulumi.dynamic`` process through check/create/diff/read/update/
   delete of N rules one call at a time (limits off): per operation, the time spent inside the
   process beyond the HTTP round trips, its peak memory, and its cold start (spawn to the first
   answered Check).

Timing inside the provider process comes from ``benchmarks/hook/sitecustomize.py`` (put on
``PYTHONPATH``), which also profiles every RPC, and the program, with cProfile under ``--profile``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "e2e"), str(REPO / "tests" / "provider")]

from harness import ManagedResource, ProviderProcess  # noqa: E402
from pulumi_cli import Stack  # noqa: E402

from flashduty_pulumi.emulator.seed import ALICE_ID, BOB_ID, PRESET_TEMPLATE_ID, TEAM_SRE_ID  # noqa: E402
from flashduty_pulumi.emulator.testing import EmulatorProcess  # noqa: E402
from flashduty_pulumi.providers import EscalationRuleProvider, SilenceRuleProvider  # noqa: E402

PER_SECOND = 50
PER_MINUTE = 1000
FIRST_CHANNEL_ID = 7100000000131
TOKEN = "pulumi-python:dynamic/flashduty:{}"
PACKAGES: set[str] = set()  # where the provider processes imported flashduty_pulumi from
LIST_PATHS = ("/channel/escalate/rule/list", "/channel/silence/rule/list")


# ----------------------------------------------------------------------------------- the rules


def channel_ids(count: int) -> list[int]:
    return [FIRST_CHANNEL_ID + 1000 * i for i in range(count)]


def rules(n: int, channels: list[int]) -> list[dict[str, Any]]:
    """N rules, escalation and silence alternating, spread round-robin over ``channels``."""
    out: list[dict[str, Any]] = []
    for i in range(n):
        channel = channels[i % len(channels)]
        if i % 2 == 0:
            args: dict[str, Any] = {
                "channel_id": channel,
                "rule_name": f"Escalation {i:04d}",
                "template_id": PRESET_TEMPLATE_ID,
                "priority": i % 50,
                "description": f"benchmark rule {i}",
                "filters": [[{"key": "severity", "oper": "IN", "vals": ["Critical", "Warning"]}]],
                "layers": [
                    {"target": {"person_ids": [ALICE_ID], "by": {"follow_preference": True}}},
                    {
                        "target": {
                            "team_ids": [TEAM_SRE_ID],
                            "person_ids": [BOB_ID],
                            "by": {"follow_preference": True},
                        },
                        "escalate_window": 15,
                    },
                ],
            }
            out.append({"kind": "EscalationRule", "name": f"esc-{i:04d}", "args": args})
        else:
            args = {
                "channel_id": channel,
                "rule_name": f"Silence {i:04d}",
                "filters": [[{"key": "labels.env", "oper": "IN", "vals": ["staging", f"load-{i}"]}]],
                "time_filters": [{"start": "01:00", "end": "03:00", "repeat": [1, 2, 3, 4, 5]}],
                "description": f"benchmark silence {i}",
            }
            out.append({"kind": "SilenceRule", "name": f"sil-{i:04d}", "args": args})
    return out


# ------------------------------------------------------------------------------- measurements


def ideal_span(requests: int) -> tuple[float, str]:
    """The shortest first-to-last arrival span the server's limits allow for ``requests`` calls
    (50/s as a steady rate, 1,000 per sliding minute), and which limit sets it."""
    times: list[float] = []
    binding = "per-second"
    for i in range(requests):
        t = i / PER_SECOND
        if i >= PER_MINUTE and times[i - PER_MINUTE] + 60.0 > t:
            t = times[i - PER_MINUTE] + 60.0
            binding = "per-minute"
        times.append(max(t, times[-1] if times else 0.0))
    return (times[-1] - times[0] if times else 0.0), binding


@dataclass
class RpcStats:
    """What the hook recorded in one provider process (or several: one per CLI command)."""

    records: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path) -> RpcStats:
        records: list[dict[str, Any]] = []
        for path in sorted(directory.glob("rpc-*.jsonl")):
            records += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        PACKAGES.update(r["package"] for r in records if "package" in r)
        return cls(records)

    def calls(self, method: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["m"] == method]

    def overhead_ms(self, method: str) -> list[float]:
        return [1000 * (r["wall"] - r["http"] - r["wait"]) for r in self.calls(method)]

    @staticmethod
    def program_cpu(directory: Path) -> float:
        """CPU seconds of the program process (the language host's Python), from the hook."""
        return sum(json.loads(p.read_text())["cpu"] for p in directory.glob("program-*.json"))

    def peak_rss_mb(self) -> float:
        return max((r.get("rss_kb", 0) for r in self.records), default=0) / 1024


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def surfaced_429s(result: Any) -> int:
    """Messages the CLI showed that tell of a rate limit (a 429 the provider did not absorb)."""
    needles = ("RequestTooFrequently", "429", "rate limit", "Too Many Requests")
    messages = [*result.diagnostics(), result.stderr]
    return sum(1 for m in messages if any(n in m for n in needles))


@dataclass
class Row:
    n: int
    channels: int
    values: dict[str, Any] = field(default_factory=dict)


def cli_phase(
    stack: Stack, emu: EmulatorProcess, stats_root: Path, name: str, command: str, *extra: str
) -> tuple[Any, float, float, list[dict[str, Any]], RpcStats]:
    """Run one CLI command with the server's rate-limit windows empty (as after a quiet minute);
    return its result, wall time, CPU time of the CLI and everything it started, the request log
    and what the hook recorded in the provider process."""
    stats_dir = stats_root / name
    stack.env["FLASHDUTY_BENCH_STATS"] = str(stats_dir)
    emu.set_rate_limit(True, per_second=PER_SECOND, per_minute=PER_MINUTE)  # fresh windows
    emu.clear_requests()
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    result = getattr(stack, command)(*extra, check=False)
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    if result.returncode != 0:
        print(str(result)[-4000:], file=sys.stderr)
        raise SystemExit(f"pulumi {command} failed; see above")
    return result, wall, cpu, emu.requests(), RpcStats.load(stats_dir)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def new_stack(
    emu: EmulatorProcess,
    n: int,
    n_channels: int,
    directory: Path,
    env: dict[str, str],
    program: str = "program",
) -> Stack:
    """A fresh emulator (seed plus ``n_channels`` channels) and a stack declaring ``n`` rules
    (``program``: ``benchmarks/program``, or ``benchmarks/noop`` for the same inputs as no-ops)."""
    emu.reset()
    channels = channel_ids(n_channels)
    emu.seed(
        channels=[
            {"channel_id": c, "channel_name": f"Bench {i:02d}", "team_id": TEAM_SRE_ID}
            for i, c in enumerate(channels)
        ]
    )
    stack = Stack(directory, emu.base_url, emu.app_key, name=f"bench{n}", extra_env=env)
    shutil.copy(HERE / program / "__main__.py", stack.program / "__main__.py")
    stack.write_json("rules.json", rules(n, channels))
    return stack


def up_figures(v: dict[str, Any], prefix: str, n: int, result: Any, log: list[dict[str, Any]]) -> None:
    created = sum(1 for ops in result.steps().values() if "create" in ops)
    if created != n:
        raise SystemExit(f"pulumi up created {created} rules, expected {n}")
    arrivals = sorted(r["time"] for r in log)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    best, binding = ideal_span(len(log))
    v[f"{prefix}: API calls"] = len(log)
    v[f"{prefix}: calls per rule"] = len(log) / n
    v[f"{prefix}: 429 sent by server"] = sum(1 for r in log if r["status"] == 429)
    v[f"{prefix}: 429 surfaced to user"] = surfaced_429s(result)
    v[f"{prefix}: request rate /s"] = (len(log) - 1) / span if span else float("nan")
    v[f"{prefix}: best rate the limits allow /s"] = (len(log) - 1) / best if best else float("nan")
    v[f"{prefix}: share of binding limit %"] = 100 * best / span if span else float("nan")
    v[f"{prefix}: binding limit"] = binding
    v[f"{prefix}: API-limit floor s"] = best


def _in_flight(log: list[dict[str, Any]]) -> float:
    """Mean number of requests the server was answering at once, first arrival to last answer."""
    if not log:
        return float("nan")
    start = min(r["time"] - r["duration_ms"] / 1000 for r in log)
    end = max(r["time"] for r in log)
    return sum(r["duration_ms"] / 1000 for r in log) / (end - start) if end > start else float("nan")


def bench_cli(
    emu: EmulatorProcess,
    n: int,
    n_channels: int,
    work: Path,
    env: dict[str, str],
    engine_variant: bool,
    latency_ms: int,
) -> Row:
    row = Row(n, n_channels)
    v = row.values
    stack = new_stack(emu, n, n_channels, work / f"stack-{n}", env)
    stats_root = work / f"stats-{n}"

    # 1. up from empty, the limit on
    result, wall, cpu, log, stats = cli_phase(stack, emu, stats_root, "up", "up")
    v["up: wall s"] = wall
    up_figures(v, "up", n, result, log)
    creates = stats.calls("Create")
    v["up: CPU s, CLI + program + provider"] = cpu
    v["up: CPU s, program"] = RpcStats.program_cpu(stats_root / "up")
    v["up: CPU s, provider RPCs"] = sum(r["cpu"] for r in stats.records if "cpu" in r)
    v["up: Create RPC ms (median)"] = statistics.median(1000 * r["wall"] for r in creates)
    v["up: of which limiter wait ms"] = statistics.median(1000 * r["wait"] for r in creates)
    v["up: of which HTTP ms"] = statistics.median(1000 * r["http"] for r in creates)

    # 2. preview of the unchanged stack
    result, wall, cpu, log, stats = cli_phase(
        stack, emu, stats_root, "preview", "preview", "--expect-no-changes"
    )
    v["preview: wall s"] = wall
    v["preview: API calls"] = len(log)
    v["preview: CPU s, CLI + program + provider"] = cpu
    v["preview: CPU s, program"] = RpcStats.program_cpu(stats_root / "preview")
    v["preview: CPU s, provider RPCs"] = sum(r["cpu"] for r in stats.records if "cpu" in r)

    # 3. refresh
    result, wall, cpu, log, stats = cli_phase(
        stack, emu, stats_root, "refresh", "refresh", "--expect-no-changes"
    )
    paths = Counter(r["path"] for r in log)
    v["refresh: wall s"] = wall
    v["refresh: API calls"] = len(log)
    v["refresh: calls per rule"] = len(log) / n
    v["refresh: list calls"] = sum(paths[p] for p in LIST_PATHS)
    v["refresh: 429 sent by server"] = sum(1 for r in log if r["status"] == 429)

    # The reference rows, measured in the same run: N no-op dynamic resources with the same inputs
    # (Pulumi's own floor), and a provider that creates a rule in 1 call (the Terraform provider's
    # count), whose floor is what the API's limits allow for N calls.
    noop = new_stack(emu, n, n_channels, work / f"stack-{n}-noop", env, program="noop")
    _, noop_up, *_ = cli_phase(noop, emu, stats_root, "noop-up", "up")
    _, noop_preview, *_ = cli_phase(noop, emu, stats_root, "noop-preview", "preview", "--expect-no-changes")
    _, noop_refresh, *_ = cli_phase(noop, emu, stats_root, "noop-refresh", "refresh", "--expect-no-changes")
    one_call_floor, _ = ideal_span(n)
    v["floor: no-op up wall s"] = noop_up
    v["floor: no-op preview wall s"] = noop_preview
    v["floor: no-op refresh wall s"] = noop_refresh
    v["1 call per rule: API calls"] = n
    v["1 call per rule: API-limit floor s"] = one_call_floor
    v["1 call per rule: wall floor s"] = max(one_call_floor, noop_up)
    v["ratio: up / max(API floor, no-op up)"] = v["up: wall s"] / max(v["up: API-limit floor s"], noop_up)
    v["ratio: up calls / 1 call per rule"] = v["up: API calls"] / n
    v["ratio: preview / no-op preview"] = v["preview: wall s"] / noop_preview
    v["ratio: refresh / no-op refresh"] = v["refresh: wall s"] / noop_refresh

    # 1b. up from empty again, each API request 100 ms slower (a distant API)
    if latency_ms:
        stack = new_stack(emu, n, n_channels, work / f"stack-{n}-slow", env)
        emu.add_fault(latency_ms=latency_ms, count=None)
        result, wall, cpu, log, stats = cli_phase(stack, emu, stats_root, "up-slow", "up")
        emu.clear_faults()
        prefix = f"up, +{latency_ms} ms per request"
        v[f"{prefix}: wall s"] = wall
        up_figures(v, prefix, n, result, log)
        v[f"{prefix}: requests in flight (mean)"] = _in_flight(log)

    # 1c. up from empty again, with the engine's per-step state writes off
    if engine_variant:
        stack = new_stack(
            emu, n, n_channels, work / f"stack-{n}-nocp", {**env, "PULUMI_SKIP_CHECKPOINTS": "true"}
        )
        result, wall, cpu, log, stats = cli_phase(stack, emu, stats_root, "up-nocp", "up")
        v["up, no checkpoints: wall s"] = wall
        up_figures(v, "up, no checkpoints", n, result, log)
    return row


def bench_provider(emu: EmulatorProcess, n: int, n_channels: int, work: Path, env: dict[str, str]) -> None:
    """Drive one provider process through the lifecycle of N rules, one RPC at a time."""
    emu.reset()
    emu.set_rate_limit(False)
    channels = channel_ids(n_channels)
    emu.seed(
        channels=[{"channel_id": c, "channel_name": f"Bench {c}", "team_id": TEAM_SRE_ID} for c in channels]
    )
    config = {"flashduty:appKey": emu.app_key, "flashduty:baseUrl": emu.base_url}
    providers = {"EscalationRule": EscalationRuleProvider(), "SilenceRule": SilenceRuleProvider()}
    stats_dir = work / f"harness-{n}"
    penv = {
        **{k: val for k, val in os.environ.items() if not k.startswith("FLASHDUTY_")},
        **{k: val for k, val in env.items() if not k.startswith("FLASHDUTY_")},
        "FLASHDUTY_BENCH_STATS": str(stats_dir),
        "FLASHDUTY_RATE_LIMIT_PER_SECOND": "0",
        "FLASHDUTY_RATE_LIMIT_PER_MINUTE": "0",
    }
    if env.get("FLASHDUTY_BENCH_PROFILE"):
        penv["FLASHDUTY_BENCH_PROFILE"] = env["FLASHDUTY_BENCH_PROFILE"]
    with ProviderProcess(env=penv) as proc:
        proc.configure(config, secret_keys=("flashduty:appKey",))
        managed = []
        for entry in rules(n, channels):
            res = ManagedResource(proc, providers[entry["kind"]], TOKEN.format(entry["kind"]), entry["name"])
            res.up(entry["args"])
            managed.append((res, entry))
        for res, entry in managed:
            res.preview_diff(entry["args"])
        for res, _ in managed:
            res.refresh()
        for res, entry in managed:
            res.up({**entry["args"], "description": "changed"})
        for res, _ in managed:
            res.destroy()
    emu.set_rate_limit(True)


def cold_start(env: dict[str, str], emu: EmulatorProcess) -> float:
    """Seconds from spawning the provider process to its first answered Check (no hook)."""
    penv = {k: v for k, v in env.items() if k not in ("PYTHONPATH", "FLASHDUTY_BENCH_STATS")}
    entry = rules(1, channel_ids(1))[0]
    t0 = time.perf_counter()
    with ProviderProcess(env=penv) as proc:
        proc.configure({"flashduty:appKey": emu.app_key, "flashduty:baseUrl": emu.base_url})
        ManagedResource(proc, EscalationRuleProvider(), TOKEN.format("EscalationRule"), "cold").check(
            entry["args"]
        )
        return time.perf_counter() - t0


# -------------------------------------------------------------------------------------- output


def fmt(value: Any) -> str:
    if isinstance(value, float):
        if value != value:  # nan
            return "-"
        return f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def print_table(title: str, rows: list[Row], names: list[str]) -> None:
    head = [f"N = {r.n} ({r.channels} ch.)" for r in rows]
    width = max(len(n) for n in names)
    col = max(14, *(len(h) for h in head))
    print(f"\n{title}")
    print(f"| {'':<{width}} | " + " | ".join(f"{h:>{col}}" for h in head) + " |")
    print(f"|{'-' * (width + 2)}|" + "|".join("-" * (col + 1) + ":" for _ in head) + "|")
    for name in names:
        cells = [fmt(r.values.get(name, "")) for r in rows]
        print(f"| {name:<{width}} | " + " | ".join(f"{c:>{col}}" for c in cells) + " |")


def print_profile(directory: Path, label: str, top: int) -> None:
    import pstats

    files = sorted(directory.rglob("profile-*.pstats"))
    if not files:
        return
    stats = pstats.Stats(str(files[0]))
    for f in files[1:]:
        stats.add(str(f))
    print(f"\n--- cProfile of the provider process: {label} (top {top} by own time) ---")
    stats.sort_stats("tottime").print_stats(top)
    print(f"--- {label} (top {top} by cumulative time) ---")
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="50,200,500", help="comma-separated rule counts (default 50,200,500)"
    )
    parser.add_argument("--channels", type=int, default=25, help="channels the rules are spread over (25)")
    parser.add_argument("--quick", action="store_true", help="N = 50 only")
    parser.add_argument("--skip-cli", action="store_true", help="only the gRPC harness measurements")
    parser.add_argument("--skip-harness", action="store_true", help="only the CLI measurements")
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=100,
        help="another up from empty with this much added to every request (default 100; 0: skip)",
    )
    parser.add_argument(
        "--no-checkpoints",
        action="store_true",
        help="another up from empty with PULUMI_SKIP_CHECKPOINTS=true (the engine's state writes off)",
    )
    parser.add_argument("--profile", type=Path, help="keep cProfile statistics of the provider process here")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    sizes = [50] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]

    work = Path(tempfile.mkdtemp(prefix="fd-bench-"))
    env = {
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(HERE / "hook"), str(HERE / "noop"), os.environ.get("PYTHONPATH", "")])
        ),
    }
    if args.profile:
        env["FLASHDUTY_BENCH_PROFILE"] = "1"
    rows: list[Row] = []
    started = time.perf_counter()
    try:
        with EmulatorProcess(rate_limit=True) as emu:
            for n in sizes:
                n_channels = min(args.channels, n)
                row = Row(n, n_channels)
                if not args.skip_cli:
                    print(f"[bench] N = {n}: pulumi up / preview / refresh ...", file=sys.stderr, flush=True)
                    row = bench_cli(emu, n, n_channels, work, env, args.no_checkpoints, args.latency_ms)
                if not args.skip_harness:
                    print(f"[bench] N = {n}: provider process over gRPC ...", file=sys.stderr, flush=True)
                    bench_provider(emu, n, n_channels, work, env)
                    stats = RpcStats.load(work / f"harness-{n}")
                    for op in ("Check", "Diff", "Create", "Read", "Update", "Delete"):
                        values = stats.overhead_ms(op)
                        row.values[f"overhead {op} ms (median)"] = statistics.median(values)
                        row.values[f"overhead {op} ms (p95)"] = percentile(values, 0.95)
                    row.values["provider peak RSS MB"] = stats.peak_rss_mb()
                    row.values["provider cold start s"] = cold_start({**os.environ, **env}, emu)
                rows.append(row)
                if args.profile:
                    args.profile.mkdir(parents=True, exist_ok=True)
                    for stats_dir in work.glob(f"*-{n}"):
                        shutil.copytree(stats_dir, args.profile / stats_dir.name, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    names = list(dict.fromkeys(k for r in rows for k in r.values))
    packages = sorted({str(Path(p).parent) for p in PACKAGES})
    print_table("flashduty-pulumi benchmark (emulator; pulumi " + _cli_version() + ")", rows, names)
    total = time.perf_counter() - started
    print(f"\n(total {total:.0f} s; {os.cpu_count()} CPUs; provider code from {packages})")
    if args.json:
        args.json.write_text(
            json.dumps([{"n": r.n, "channels": r.channels, **r.values} for r in rows], indent=1)
        )
    if args.profile:
        for sub in sorted(args.profile.iterdir()):
            if sub.is_dir():
                print_profile(sub, sub.name, 25)


def _cli_version() -> str:
    import subprocess

    out = subprocess.run(
        ["bash", str(REPO / "scripts" / "pulumi-cli.sh")], capture_output=True, text=True, check=False
    )
    bin_dir = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    if not bin_dir:
        return "?"
    ver = subprocess.run([f"{bin_dir}/pulumi", "version"], capture_output=True, text=True, check=False)
    return ver.stdout.strip()


if __name__ == "__main__":
    main()
