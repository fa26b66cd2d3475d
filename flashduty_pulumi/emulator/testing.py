"""Run the emulator as a subprocess for tests and benchmarks.

    from flashduty_pulumi.emulator.testing import EmulatorProcess

    with EmulatorProcess() as emu:               # python -m flashduty_pulumi.emulator --port 0
        emu.base_url, emu.app_key                # where and how to call it
        emu.post("/channel/list", {})            # an API call (httpx.Response), app key added
        emu.add_fault(status=503, count=2)       # see faults.py for every field
        emu.requests(); emu.writes()             # the request log (app keys redacted)
        emu.reset()                              # seed data back, log/faults/config cleared

A real process on a real socket, so clients are tested as they will run. The app key reaches the
child through the environment, not the command line (which other users can read).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from flashduty_pulumi.emulator import DEFAULT_APP_KEY
from flashduty_pulumi.emulator.__main__ import APP_KEY_ENV

__all__ = ["EmulatorProcess", "stop_process"]


def stop_process(proc: subprocess.Popen[Any], grace: float = 10.0) -> int:
    """Stop a child process: SIGTERM, then SIGKILL if it is still running ``grace`` seconds later.
    Waits for it (no zombie is left) and returns its exit code; one already gone is only reaped."""
    if proc.poll() is None:
        proc.terminate()
        try:
            return proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


class EmulatorProcess:
    """A running `python -m flashduty_pulumi.emulator --port 0` and its control surface."""

    def __init__(
        self,
        *,
        app_key: str = DEFAULT_APP_KEY,
        read_only_key: str | None = None,
        state: Path | None = None,
        rate_limit: bool = True,
        quiet: bool = True,
        extra_args: tuple[str, ...] = (),
        startup_timeout: float = 30.0,
        code_root: Path | None = None,
    ):
        self.app_key = app_key
        self.read_only_key = read_only_key
        self.state = state
        args = [sys.executable, "-m", "flashduty_pulumi.emulator", "--port", "0", *extra_args]
        if code_root is not None:  # another checkout's emulator (benchmarks compare revisions)
            launch = (
                f"import runpy, sys; sys.path.insert(0, {str(code_root)!r}); "
                "runpy.run_module('flashduty_pulumi.emulator', run_name='__main__')"
            )
            args[1:3] = ["-c", launch]
        if read_only_key:
            args += ["--read-only-key", read_only_key]
        if state is not None:
            args += ["--state", str(state)]
        if not rate_limit:
            args.append("--no-rate-limit")
        if quiet:
            args.append("--quiet")
        self._args = args
        self._startup_timeout = startup_timeout
        self._proc: subprocess.Popen[str] | None = None
        self._client: httpx.Client | None = None
        self._base_url = ""

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> EmulatorProcess:
        if self._proc is not None:
            return self
        env = {**os.environ, APP_KEY_ENV: self.app_key}
        proc = subprocess.Popen(self._args, stdout=subprocess.PIPE, text=True, env=env)
        lines: queue.Queue[str] = queue.Queue()

        def pump() -> None:  # keep reading so the child never blocks on a full pipe
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.put(line)
            lines.put("")

        threading.Thread(target=pump, name="emulator-stdout", daemon=True).start()
        try:
            first = lines.get(timeout=self._startup_timeout).strip()
        except queue.Empty:
            first = ""
        if not first.startswith("http://"):
            stop_process(proc, grace=0)
            raise RuntimeError(f"emulator did not start (exit code {proc.returncode}, first line {first!r})")
        self._proc = proc
        self._base_url = first
        self._client = httpx.Client(base_url=first, timeout=30.0)
        return self

    def stop(self) -> None:
        """Terminate the process (SIGTERM, then SIGKILL after 10 s)."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._proc is not None:
            stop_process(self._proc)
            self._proc = None

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if not self._base_url:
            raise RuntimeError("the emulator is not running; call start() or use it as a context manager")
        return self._base_url

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def client(self) -> httpx.Client:
        """An httpx client with base_url set (no app key attached)."""
        if self._client is None:
            raise RuntimeError("the emulator is not running")
        return self._client

    # -- API ---------------------------------------------------------------------------------------

    def post(self, path: str, body: Any, *, app_key: str | None = None, **kwargs: Any) -> httpx.Response:
        """POST `body` as JSON to an API path with `?app_key=` (the emulator's key unless given)."""
        params = {"app_key": self.app_key if app_key is None else app_key}
        return self.client.post(path, json=body, params=params, **kwargs)

    def call(self, path: str, body: Any) -> Any:
        """POST and return `data`, raising AssertionError with the error envelope on failure."""
        response = self.post(path, body)
        payload = response.json()
        if response.status_code != 200 or "error" in payload:
            raise AssertionError(f"{path} failed with {response.status_code}: {payload}")
        return payload.get("data")

    # -- control surface ---------------------------------------------------------------------------

    def _control(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        response = self.client.request(method, f"/__emulator/{path}", json=body, params=params or None)
        if response.status_code != 200:
            raise RuntimeError(f"control {method} {path} failed ({response.status_code}): {response.text}")
        return response.json()

    def reset(self) -> None:
        """Seed data back; rules, request log, faults, rate-limit windows and config cleared."""
        self._control("POST", "reset")

    def requests(self, since: int = 0) -> list[dict[str, Any]]:
        """The API request log, oldest first (control calls are not in it)."""
        items: list[dict[str, Any]] = self._control("GET", "requests", since=since)["items"]
        return items

    def writes(self) -> list[dict[str, Any]]:
        """Logged requests to state-changing paths (create/update/delete/enable/disable/upsert)."""
        return [entry for entry in self.requests() if entry["write"]]

    def clear_requests(self) -> None:
        self._control("DELETE", "requests")

    def add_fault(self, **fault: Any) -> dict[str, Any]:
        """Add a fault rule (fields in faults.py); returns it with its fault_id."""
        added: dict[str, Any] = self._control("POST", "faults", fault)
        return added

    def faults(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self._control("GET", "faults")["items"]
        return items

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def config(self) -> dict[str, Any]:
        current: dict[str, Any] = self._control("GET", "config")
        return current

    def set_config(self, **changes: Any) -> dict[str, Any]:
        """Change rate_limit / per_second / per_minute / empty_data until the next reset."""
        current: dict[str, Any] = self._control("PUT", "config", changes)
        return current

    def set_rate_limit(
        self, enabled: bool, *, per_second: int | None = None, per_minute: int | None = None
    ) -> None:
        changes: dict[str, Any] = {"rate_limit": enabled}
        if per_second is not None:
            changes["per_second"] = per_second
        if per_minute is not None:
            changes["per_minute"] = per_minute
        self.set_config(**changes)

    def state_snapshot(self) -> dict[str, Any]:
        """The emulator's whole stored state (seed entities, routes, rules)."""
        snapshot: dict[str, Any] = self._control("GET", "state")
        return snapshot

    def seed(self, **collections: list[dict[str, Any]]) -> dict[str, Any]:
        """Add entities: seed(channels=[{"channel_id": 1, "channel_name": "X", "team_id": ...}])."""
        added: dict[str, Any] = self._control("POST", "seed", collections)
        return added
