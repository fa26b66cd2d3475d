"""Measure the dynamic provider process from the inside (benchmarks only; never installed).

``benchmarks/bench.py`` puts this directory on ``PYTHONPATH`` and sets ``FLASHDUTY_BENCH_STATS`` to
a directory. Python imports ``sitecustomize`` at start-up, so every ``python -m pulumi.dynamic``
process started beneath it (by the real CLI or by the gRPC harness) is instrumented. The program
(run by ``pulumi-language-python-exec``) only reports its CPU time at exit, in
``<dir>/program-<pid>.json``; any other Python process is left alone.

For every provider RPC one JSON line is appended to ``<dir>/rpc-<pid>.jsonl``::

    {"m": "Create", "wall": s, "cpu": s, "http": s, "wait": s, "n": requests, "rss_kb": peak}

``wall`` is the whole servicer method (deserialising the request, the provider, serialising the
answer), ``http`` the time spent in HTTP round trips (``PoolTransport``), ``wait`` the time spent
waiting for the client-side rate limiter, ``cpu`` the thread's CPU time. The provider's own
overhead per operation is ``wall - http - wait``.

With ``FLASHDUTY_BENCH_PROFILE=1`` each RPC also runs under its own ``cProfile.Profile`` (per
thread, Python 3.11 profiles one thread per profiler); the merged statistics are written to
``<dir>/profile-<pid>.pstats`` at most once a second and when the RPC count reaches a multiple of 50,
and the program's main thread is profiled into ``<dir>/program-<pid>.pstats``.
"""

from __future__ import annotations

import os
import sys
import time

_HOOK_T0 = time.perf_counter()


def _argv() -> list[str]:
    return list(getattr(sys, "orig_argv", sys.argv))


def _active() -> bool:
    return bool(os.environ.get("FLASHDUTY_BENCH_STATS")) and "pulumi.dynamic" in _argv()


def _is_program() -> bool:
    return bool(os.environ.get("FLASHDUTY_BENCH_STATS")) and any(
        a.endswith("pulumi-language-python-exec") for a in _argv()
    )


def _install_program() -> None:
    """The program: its CPU time at exit (and a profile of its main thread)."""
    import atexit
    import cProfile
    import json

    out_dir = os.environ["FLASHDUTY_BENCH_STATS"]
    os.makedirs(out_dir, exist_ok=True)
    prof = cProfile.Profile() if os.environ.get("FLASHDUTY_BENCH_PROFILE") == "1" else None
    if prof is not None:
        prof.enable()

    def report() -> None:
        if prof is not None:
            prof.disable()
            prof.dump_stats(os.path.join(out_dir, f"program-{os.getpid()}.pstats"))
        t = os.times()
        with open(os.path.join(out_dir, f"program-{os.getpid()}.json"), "w", encoding="utf-8") as fh:
            json.dump({"cpu": t.user + t.system, "wall": time.perf_counter() - _HOOK_T0}, fh)

    atexit.register(report)


def _install() -> None:
    import cProfile
    import functools
    import json
    import pstats
    import resource
    import threading
    from typing import Any

    out_dir = os.environ["FLASHDUTY_BENCH_STATS"]
    os.makedirs(out_dir, exist_ok=True)
    pid = os.getpid()
    rpc_path = os.path.join(out_dir, f"rpc-{pid}.jsonl")
    prof_path = os.path.join(out_dir, f"profile-{pid}.pstats")
    profiling = os.environ.get("FLASHDUTY_BENCH_PROFILE") == "1"
    local = threading.local()
    lock = threading.Lock()
    merged: list[pstats.Stats] = []
    state = {"calls": 0, "dumped": 0.0}

    def write(record: dict[str, Any]) -> None:
        line = json.dumps(record) + "\n"
        with lock, open(rpc_path, "a", encoding="utf-8") as fh:
            fh.write(line)

    # The HTTP round trip and the limiter wait, per thread. The client module is imported here
    # (it would be at the first RPC otherwise); bench.py measures start-up without this hook.
    import flashduty_pulumi
    from flashduty_pulumi.client import limiter as limiter_module
    from flashduty_pulumi.client import transport as transport_module

    write({"m": "_start", "pid": pid, "package": flashduty_pulumi.__file__})
    real_send = transport_module.PoolTransport.handle_request

    def timed_send(self: Any, request: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return real_send(self, request)
        finally:
            local.http = getattr(local, "http", 0.0) + time.perf_counter() - t0
            local.n = getattr(local, "n", 0) + 1

    transport_module.PoolTransport.handle_request = timed_send  # type: ignore[method-assign]

    real_acquire = limiter_module.RateLimiter.acquire

    def timed_acquire(self: Any) -> float:
        t0 = time.perf_counter()
        try:
            return real_acquire(self)
        finally:
            local.wait = getattr(local, "wait", 0.0) + time.perf_counter() - t0

    limiter_module.RateLimiter.acquire = timed_acquire  # type: ignore[method-assign]

    def dump(force: bool = False) -> None:
        now = time.monotonic()
        if not merged or (not force and now - state["dumped"] < 1.0):
            return
        state["dumped"] = now
        stats = merged[0]
        tmp = prof_path + ".tmp"
        stats.dump_stats(tmp)
        os.replace(tmp, prof_path)

    def wrap(name: str, method: Any) -> Any:
        @functools.wraps(method)
        def timed(request: Any, context: Any) -> Any:
            local.http = local.wait = 0.0
            local.n = 0
            prof = cProfile.Profile() if profiling else None
            c0 = time.thread_time()
            t0 = time.perf_counter()
            if prof is not None:
                prof.enable()
            try:
                return method(request, context)
            finally:
                if prof is not None:
                    prof.disable()
                wall = time.perf_counter() - t0
                record = {
                    "m": name,
                    "t": time.time(),
                    "wall": wall,
                    "cpu": time.thread_time() - c0,
                    "http": local.http,
                    "wait": local.wait,
                    "n": local.n,
                    "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                }
                write(record)
                if prof is not None:
                    with lock:
                        stats = pstats.Stats(prof)
                        if merged:
                            merged[0].add(stats)
                        else:
                            merged.append(stats)
                        state["calls"] += 1
                        dump(force=state["calls"] % 50 == 0)

        return timed

    from pulumi.runtime.proto import provider_pb2_grpc

    real_add = provider_pb2_grpc.add_ResourceProviderServicer_to_server

    def add(servicer: Any, server: Any) -> Any:
        for name in ("Check", "Diff", "Create", "Read", "Update", "Delete", "Configure"):
            setattr(servicer, name, wrap(name, getattr(servicer, name)))
        write({"m": "_ready", "startup_s": time.perf_counter() - _HOOK_T0})
        return real_add(servicer, server)

    provider_pb2_grpc.add_ResourceProviderServicer_to_server = add


if _active():
    try:
        _install()
    except Exception as exc:  # never break the provider because of the benchmark hook
        print(f"benchmark hook not installed: {exc!r}", file=sys.stderr)
elif _is_program():
    try:
        _install_program()
    except Exception as exc:
        print(f"benchmark hook not installed: {exc!r}", file=sys.stderr)
