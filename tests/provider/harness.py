"""Drive the real dynamic provider process (``python -u -m pulumi.dynamic``) over gRPC, as the engine does.

No CLI, no state files: this is the engine's side of the provider protocol, reduced to what a
Python dynamic provider serves:

- the process prints its port on the first stdout line;
- ``Configure`` gets the *whole* stack config with namespaced keys; a secret (the app key) arrives
  wrapped in the secret signature and the servicer unwraps it;
- ``Check(olds=old inputs, news)``, ``Diff(olds=old OUTPUTS, news=checked inputs)``, ``Create``,
  ``Read(properties=outputs, inputs=inputs)``, ``Update(olds=old outputs, news)`` and
  ``Delete(properties=outputs)``, with ``__provider`` as the plain serialized string (the engine
  strips secretness for a provider that answers ``acceptSecrets=false``).

Every call is timed (``ProviderProcess.timings``), so the benchmark can reuse this module to measure
the cost of one operation without the CLI around it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.dynamic.dynamic import ResourceProvider, serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc
from support.processes import stop_process

REPO = Path(__file__).resolve().parents[2]
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SIG_KEY = "4dabf18193072939515e22adb298388d"
PROVIDER_KEY = "__provider"
UNKNOWN = rpc.UNKNOWN


def to_struct(props: dict[str, Any]) -> struct_pb2.Struct:
    """A property map as the engine sends it (numbers become doubles, ``UNKNOWN`` stays the GUID)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def from_struct(s: struct_pb2.Struct) -> dict[str, Any]:
    out = rpc.deserialize_properties(s)
    assert isinstance(out, dict)
    return out


def secret(value: Any) -> dict[str, Any]:
    """A value wrapped in the secret signature, as the engine marks a secret config value."""
    return {SIG_KEY: SECRET_SIG, "value": value}


def urn_of(type_token: str, name: str, project: str = "flashduty-test", stack: str = "test") -> str:
    return f"urn:pulumi:{stack}::{project}::{type_token}::{name}"


class ProviderError(Exception):
    """A provider RPC failed; ``details`` is what the engine would show."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{method}: {code.name}: {details}")
        self.method = method
        self.code = code
        self.details = details


@dataclass
class CheckOutcome:
    inputs: dict[str, Any]
    failures: list[tuple[str, str]]


@dataclass
class DiffOutcome:
    changes: int  # provider_pb2.DiffResponse.DIFF_UNKNOWN / DIFF_NONE / DIFF_SOME
    replaces: list[str]
    delete_before_replace: bool

    @property
    def has_changes(self) -> bool:
        return self.changes == provider_pb2.DiffResponse.DIFF_SOME


@dataclass
class ReadOutcome:
    id: str
    outputs: dict[str, Any]
    inputs: dict[str, Any] | None


@dataclass
class ProviderProcess:
    """One ``python -m pulumi.dynamic`` process and a stub talking to it."""

    env: dict[str, str] | None = None
    project: str = "flashduty-test"
    cwd: Path = REPO
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    _proc: subprocess.Popen[bytes] | None = None
    _channel: grpc.Channel | None = None
    _stderr: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ process lifecycle

    def start(self) -> ProviderProcess:
        env = dict(os.environ if self.env is None else self.env)
        env["PULUMI_PROJECT"] = self.project
        env.setdefault("PYTHONUNBUFFERED", "1")
        self._proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic", "127.0.0.1:0"],
            cwd=self.cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert self._proc.stdout is not None and self._proc.stderr is not None
        line = self._proc.stdout.readline().decode().strip()
        if not line.isdigit():
            stop_process(self._proc, grace=0)
            err = self._proc.stderr.read().decode(errors="replace")
            raise RuntimeError(f"provider process did not print a port (got {line!r}):\n{err}")
        threading.Thread(target=self._drain, args=(self._proc.stderr,), daemon=True).start()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        grpc.channel_ready_future(self._channel).result(timeout=30)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        return self

    def _drain(self, stream: Any) -> None:
        for raw in iter(stream.readline, b""):
            self._stderr.append(raw.decode(errors="replace"))

    @property
    def stderr(self) -> str:
        """Everything the provider process wrote to stderr so far."""
        return "".join(self._stderr)

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._proc is not None:
            stop_process(self._proc)
            self._proc = None

    def __enter__(self) -> ProviderProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ calls

    def _call(self, method: str, request: Any) -> Any:
        start = time.perf_counter()
        try:
            return getattr(self.stub, method)(request, timeout=120)
        except grpc.RpcError as exc:
            raise ProviderError(method, exc.code(), exc.details() or "") from None
        finally:
            self.timings[method].append(time.perf_counter() - start)

    def get_plugin_info(self) -> str:
        info: plugin_pb2.PluginInfo = self._call("GetPluginInfo", empty_pb2.Empty())
        return str(info.version)

    def configure(self, config: dict[str, Any], secret_keys: tuple[str, ...] = ()) -> bool:
        """Send the stack config (namespaced keys, e.g. ``flashduty:appKey``); returns acceptSecrets."""
        args = {k: (secret(v) if k in secret_keys else v) for k, v in config.items()}
        req = provider_pb2.ConfigureRequest(
            variables={k: str(v) for k, v in config.items()},
            args=to_struct(args),
            acceptSecrets=True,
            acceptResources=True,
        )
        resp = self._call("Configure", req)
        return bool(resp.acceptSecrets)

    def check(self, urn: str, olds: dict[str, Any], news: dict[str, Any]) -> CheckOutcome:
        req = provider_pb2.CheckRequest(urn=urn, olds=to_struct(olds), news=to_struct(news))
        resp = self._call("Check", req)
        inputs = rpc.deserialize_properties(resp.inputs, True)
        return CheckOutcome(
            inputs=inputs,
            failures=[(f.property or f.reason.split(" ", 1)[0].rstrip(":"), f.reason) for f in resp.failures],
        )

    def diff(self, id_: str, urn: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffOutcome:
        req = provider_pb2.DiffRequest(id=id_, urn=urn, olds=to_struct(olds), news=to_struct(news))
        resp = self._call("Diff", req)
        return DiffOutcome(
            changes=resp.changes, replaces=list(resp.replaces), delete_before_replace=resp.deleteBeforeReplace
        )

    def create(self, urn: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        resp = self._call("Create", provider_pb2.CreateRequest(urn=urn, properties=to_struct(props)))
        return str(resp.id), from_struct(resp.properties)

    def read(self, id_: str, urn: str, props: dict[str, Any], inputs: dict[str, Any]) -> ReadOutcome:
        req = provider_pb2.ReadRequest(id=id_, urn=urn, properties=to_struct(props), inputs=to_struct(inputs))
        resp = self._call("Read", req)
        new_inputs = from_struct(resp.inputs) if resp.HasField("inputs") else None
        return ReadOutcome(id=str(resp.id), outputs=from_struct(resp.properties), inputs=new_inputs)

    def update(self, id_: str, urn: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        req = provider_pb2.UpdateRequest(id=id_, urn=urn, olds=to_struct(olds), news=to_struct(news))
        return from_struct(self._call("Update", req).properties)

    def delete(self, id_: str, urn: str, props: dict[str, Any]) -> None:
        self._call("Delete", provider_pb2.DeleteRequest(id=id_, urn=urn, properties=to_struct(props)))


@dataclass
class ManagedResource:
    """One resource driven through the engine's sequence, keeping inputs and outputs like state does."""

    proc: ProviderProcess
    provider: ResourceProvider
    type_token: str
    name: str
    id: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.serialized = serialize_provider(self.provider)
        self.urn = urn_of(self.type_token, self.name, project=self.proc.project)

    def _with_provider(self, props: dict[str, Any]) -> dict[str, Any]:
        return {**{k: v for k, v in props.items() if v is not None}, PROVIDER_KEY: self.serialized}

    def check(self, program_inputs: dict[str, Any]) -> CheckOutcome:
        return self.proc.check(
            self.urn,
            self._with_provider(self.inputs) if self.inputs else {},
            self._with_provider(program_inputs),
        )

    def up(self, program_inputs: dict[str, Any]) -> str:
        """``pulumi up`` for this resource: check, then create or diff + update/replace; returns the step."""
        checked = self.check(program_inputs)
        if checked.failures:
            raise AssertionError(f"check failed: {checked.failures}")
        news = checked.inputs
        if not self.id:
            self.id, self.outputs = self.proc.create(self.urn, news)
            self.inputs = news
            return "create"
        d = self.proc.diff(self.id, self.urn, self.outputs, news)
        if not d.has_changes:
            self.inputs = news
            return "same"
        if d.replaces:
            old_id, old_outputs = self.id, self.outputs
            if d.delete_before_replace:
                self.proc.delete(old_id, self.urn, old_outputs)
                self.id, self.outputs = self.proc.create(self.urn, news)
            else:
                self.id, self.outputs = self.proc.create(self.urn, news)
                self.proc.delete(old_id, self.urn, old_outputs)
            self.inputs = news
            return "replace"
        self.outputs = self.proc.update(self.id, self.urn, self.outputs, news)
        self.inputs = news
        return "update"

    def preview_diff(self, program_inputs: dict[str, Any]) -> DiffOutcome:
        checked = self.check(program_inputs)
        if checked.failures:
            raise AssertionError(f"check failed: {checked.failures}")
        return self.proc.diff(self.id, self.urn, self.outputs, checked.inputs)

    def refresh(self) -> ReadOutcome:
        r = self.proc.read(self.id, self.urn, self.outputs, self.inputs)
        self.id = r.id
        if r.id:
            self.outputs = r.outputs
            if r.inputs is not None:
                self.inputs = r.inputs
        else:
            self.outputs, self.inputs = {}, {}
        return r

    def destroy(self) -> None:
        if self.id:
            self.proc.delete(self.id, self.urn, self.outputs)
        self.id, self.outputs, self.inputs = "", {}, {}
