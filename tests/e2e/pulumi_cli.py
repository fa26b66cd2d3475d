"""Drive the real `pulumi` CLI against the emulator, hermetically.

Each `Stack` lives in its own temporary directory: a local file backend, an isolated PULUMI_HOME and
TMPDIR (so the CLI's own log files land where the tests can scan them), no update checks, no plugin
downloads, and a passphrase for the secrets manager. The program is either a Python file written
into that directory (`Stack(...)` + `write_program`), the generic JSON-driven program
(`Stack.generic`), or a copy of a project from the repository (`Stack.from_project`).

Every command's output is scanned for the app key, so a leak fails the test that caused it;
`assert_no_secret_anywhere` extends the scan to the state file, PULUMI_HOME and TMPDIR.

Engine commands run with `--json`, so tests assert on the engine's own step list (which resource
was created, updated, replaced, deleted) instead of scraping the human-readable display.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# The virtualenv running the tests (.venv, or a matrix venv from scripts/matrix.sh): programs and
# the provider run on the same interpreter and SDK as the tests.
VENV = Path(sys.prefix)
PASSPHRASE = "e2e-passphrase"
GENERIC_PROGRAM = Path(__file__).resolve().parent / "programs" / "generic"


def pulumi_bin_dir() -> Path:
    """The CLI directory: FLASHDUTY_PULUMI_BIN (set by scripts/test.sh), else obtain it now.

    Never a skip: without the CLI the end-to-end tier cannot prove anything, so it fails.
    """
    given = os.environ.get("FLASHDUTY_PULUMI_BIN")
    if given and (Path(given) / "pulumi").exists():
        return Path(given)
    out = subprocess.run(
        ["bash", str(REPO / "scripts" / "pulumi-cli.sh")], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"could not obtain the pulumi CLI:\n{out.stderr}")
    return Path(out.stdout.strip().splitlines()[-1])


# Ops the engine reports per resource step ("same" means untouched).
CHANGING_OPS = frozenset(
    {"create", "update", "delete", "replace", "create-replacement", "delete-replaced", "refresh", "read"}
)


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    json_mode: bool = False
    _events: list[dict[str, Any]] | None = field(default=None, repr=False)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    # -- the engine's JSON -------------------------------------------------------------------
    @property
    def events(self) -> list[dict[str, Any]]:
        """`up/refresh/destroy --json`: one engine event per line. `preview --json`: one document,
        returned as a single-element list."""
        if self._events is None:
            self._events = []
            text = self.stdout.strip()
            if self.json_mode and text.startswith("{"):
                try:
                    self._events = [json.loads(text)]
                except json.JSONDecodeError:
                    self._events = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        return self._events

    def steps(self) -> dict[str, list[str]]:
        """Resource name -> the ops the engine performed (or planned) on it, in order.
        Stack and provider resources are left out; a replacement shows up as e.g.
        ["create-replacement", "replace", "delete-replaced"]."""
        ops: dict[str, list[str]] = {}
        for ev in self.events:
            if "steps" in ev:  # preview document
                for step in ev["steps"]:
                    _add_op(ops, step.get("urn", ""), step.get("op", ""))
            meta = (ev.get("resOutputsEvent") or ev.get("resOpFailedEvent") or {}).get("metadata")
            if meta:
                _add_op(ops, meta.get("urn", ""), meta.get("op", ""))
        return ops

    def changed(self) -> dict[str, list[str]]:
        """Only the resources something happened to."""
        return {name: ops for name, ops in self.steps().items() if any(op in CHANGING_OPS for op in ops)}

    def summary(self) -> Counter[str]:
        """The engine's change summary (op -> count), "same" included."""
        for ev in self.events:
            if "summaryEvent" in ev:
                return Counter(ev["summaryEvent"].get("resourceChanges") or {})
            if "changeSummary" in ev:
                return Counter(ev["changeSummary"] or {})
        return Counter()

    def diagnostics(self, severity: str | None = None) -> list[str]:
        """Diagnostic messages (errors, warnings, program output) the engine reported."""
        out: list[str] = []
        for ev in self.events:
            for diag in ev.get("diagnostics", []) or []:  # preview document
                if severity is None or diag.get("severity") == severity:
                    out.append(str(diag.get("message", "")))
            d = ev.get("diagnosticEvent")
            if d and d.get("severity") != "debug" and (severity is None or d.get("severity") == severity):
                out.append(str(d.get("message", "")))
        return out

    def __str__(self) -> str:
        head = f"$ pulumi {' '.join(self.args)} -> {self.returncode}"
        if self.json_mode and self.events:
            lines = [head, f"steps: {self.steps()}", "diagnostics:"]
            lines += ["  " + m.rstrip().replace("\n", "\n  ") for m in self.diagnostics()]
            if self.stderr.strip():
                lines += ["stderr:", self.stderr]
            return "\n".join(lines)
        return f"{head}\n{self.output}"


def _add_op(ops: dict[str, list[str]], urn: str, op: str) -> None:
    if not urn or "::pulumi:pulumi:Stack::" in urn or "::pulumi:providers:" in urn:
        return
    name = urn.rsplit("::", 1)[-1]
    seq = ops.setdefault(name, [])
    if not seq or seq[-1] != op:
        seq.append(op)


class Stack:
    """One project + stack in `workdir`, configured for the emulator at `base_url`."""

    def __init__(
        self,
        workdir: Path,
        base_url: str,
        app_key: str,
        *,
        name: str = "e2e",
        program_dir: Path | None = None,
        extra_env: dict[str, str] | None = None,
        key_in_env: bool = False,
    ) -> None:
        """`key_in_env`: give the app key as FLASHDUTY_APP_KEY instead of secret stack config."""
        self.workdir = workdir
        self.app_key = app_key
        self.name = name
        self.bin = pulumi_bin_dir()
        for sub in ("backend", "home", "tmp"):
            (workdir / sub).mkdir(parents=True, exist_ok=True)
        if program_dir is None:
            self.program = workdir / "program"
            self.program.mkdir(exist_ok=True)
            (self.program / "Pulumi.yaml").write_text(
                textwrap.dedent(
                    f"""\
                    name: fde2e
                    runtime:
                      name: python
                      options:
                        toolchain: pip
                        virtualenv: {VENV}
                    """
                )
            )
        else:
            self.program = program_dir
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "FLASHDUTY_"))},
            "PATH": f"{self.bin}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "PULUMI_HOME": str(workdir / "home"),
            "PULUMI_BACKEND_URL": f"file://{workdir / 'backend'}",
            "PULUMI_SKIP_UPDATE_CHECK": "1",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "1",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            # The language host bundled with our CLI build takes the interpreter from here (it does
            # not read runtime.options.virtualenv); the dynamic provider follows Pulumi.yaml.
            "PULUMI_PYTHON_CMD": str(VENV / "bin" / "python"),
            "PYTHONUNBUFFERED": "1",
            # glog files of the CLI and plugins go to TMPDIR: keep them where the leak scan looks.
            "TMPDIR": str(workdir / "tmp"),
            **(extra_env or {}),
        }
        if key_in_env:
            self.env["FLASHDUTY_APP_KEY"] = app_key
        self.run("stack", "init", name)
        self.set_config("flashduty:baseUrl", base_url)
        if not key_in_env:
            self.set_config("flashduty:appKey", app_key, secret=True)

    # -- constructors ----------------------------------------------------------------------------
    @classmethod
    def generic(cls, workdir: Path, base_url: str, app_key: str, **kw: Any) -> Stack:
        """A stack running tests/e2e/programs/generic: it declares whatever `rules.json` lists."""
        stack = cls(workdir, base_url, app_key, **kw)
        shutil.copy(GENERIC_PROGRAM / "__main__.py", stack.program / "__main__.py")
        stack.write_json("rules.json", [])
        return stack

    @classmethod
    def from_project(
        cls,
        project: Path,
        workdir: Path,
        base_url: str,
        app_key: str,
        *,
        config_from: str | None = None,
        **kw: Any,
    ) -> Stack:
        """A copy of the project whose Pulumi.yaml is in `project` (an example, or the repository
        root with its `main:`), so stack config files land in the temp dir, not in the repository.

        The copy's `virtualenv:` is made absolute against where the original would resolve it
        (the dynamic-provider shim resolves it against the program directory, `main`).
        `config_from`: start from the project's sample stack config `Pulumi.<config_from>.yaml`."""
        dest = workdir / "program"
        dest.mkdir(parents=True, exist_ok=True)
        yaml_text = (project / "Pulumi.yaml").read_text()
        main = re.search(r"^main:[ \t]*(\S+)[ \t]*$", yaml_text, re.M)
        program_rel = Path(main.group(1)) if main else Path(".")
        if main:
            shutil.copytree(project / program_rel, dest / program_rel, ignore=_IGNORE)
        else:
            shutil.copytree(project, dest, ignore=_IGNORE, dirs_exist_ok=True)

        def absolute(m: re.Match[str]) -> str:
            venv = Path(m.group(2))
            resolved = venv if venv.is_absolute() else (project / program_rel / venv).resolve()
            return f"{m.group(1)}{resolved}"

        yaml_text = re.sub(r"^([ \t]*virtualenv:[ \t]*)(\S+)[ \t]*$", absolute, yaml_text, flags=re.M)
        (dest / "Pulumi.yaml").write_text(yaml_text)
        if config_from:
            shutil.copy(project / f"Pulumi.{config_from}.yaml", dest / f"Pulumi.{kw.get('name', 'e2e')}.yaml")
        return cls(workdir, base_url, app_key, program_dir=dest, **kw)

    # -- program and config -------------------------------------------------------------------
    def write_program(self, source: str) -> None:
        (self.program / "__main__.py").write_text(textwrap.dedent(source))

    def set_config(self, key: str, value: str, *, secret: bool = False, path: bool = False) -> None:
        args = ["config", "set", key, "--stack", self.name]
        if secret:
            args.append("--secret")
        if path:
            args.append("--path")
        # The value goes through stdin, so it never appears in a process listing.
        self.run(*args, input_text=value)

    def write_json(self, filename: str, value: Any) -> None:
        """A data file beside the program (e.g. the rule set the generic program declares)."""
        (self.program / filename).write_text(json.dumps(value, indent=1))

    def declare(self, *resources: dict[str, Any]) -> None:
        """The generic program's rule set: dicts of {kind, name, args}; see programs/generic."""
        self.write_json("rules.json", list(resources))

    # -- commands ------------------------------------------------------------------------------
    def run(
        self,
        *args: str,
        check: bool = True,
        input_text: str | None = None,
        timeout: float = 300,
        json_mode: bool = False,
        tolerate: re.Pattern[str] | None = None,
    ) -> Result:
        """Run `pulumi <args>`; fail if the app key shows up in its output, except on lines that
        match `tolerate` (for leaks that are the engine's own and documented as such)."""
        cmd = [str(self.bin / "pulumi"), *args]
        if args[0] != "config":
            cmd.append("--non-interactive")
        if json_mode:
            cmd.append("--json")
        proc = subprocess.run(
            cmd,
            cwd=self.program,
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        result = Result(list(args), proc.returncode, proc.stdout, proc.stderr, json_mode=json_mode)
        scanned = result.output
        if tolerate is not None:
            scanned = "\n".join(line for line in scanned.splitlines() if not tolerate.search(line))
        assert self.app_key not in scanned, (
            f"the app key leaked into the output of {result.args}:\n"
            + "\n".join(
                line.replace(self.app_key, "<APP KEY>")[:300]
                for line in scanned.splitlines()
                if self.app_key in line
            )
        )
        if check and proc.returncode != 0:
            raise AssertionError(str(result))
        return result

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start `pulumi <args>` on this stack in the background, its stdout and stderr merged into one
        text pipe: for a test that reads the output as it comes, or interrupts the command."""
        return subprocess.Popen(
            [str(self.bin / "pulumi"), *args, "--non-interactive", "--stack", self.name],
            cwd=self.program,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def up(self, *extra: str, check: bool = True) -> Result:
        return self.run(
            "up", "--yes", "--skip-preview", "--stack", self.name, *extra, check=check, json_mode=True
        )

    def preview(self, *extra: str, check: bool = True) -> Result:
        return self.run("preview", "--stack", self.name, *extra, check=check, json_mode=True)

    def refresh(self, *extra: str, check: bool = True) -> Result:
        return self.run(
            "refresh", "--yes", "--skip-preview", "--stack", self.name, *extra, check=check, json_mode=True
        )

    def destroy(self, *extra: str, check: bool = True) -> Result:
        return self.run(
            "destroy", "--yes", "--skip-preview", "--stack", self.name, *extra, check=check, json_mode=True
        )

    def assert_converged(self) -> None:
        """preview and refresh both report nothing to do: no drift, no perpetual diff."""
        self.preview("--expect-no-changes")
        self.refresh("--expect-no-changes")

    def outputs(self) -> dict[str, Any]:
        out = self.run("stack", "output", "--json", "--show-secrets", "--stack", self.name)
        return dict(json.loads(out.stdout))

    def state_text(self) -> str:
        """The raw state file as stored by the backend (what an attacker with disk access sees)."""
        files = [
            p for p in (self.workdir / "backend").rglob(f"{self.name}.json") if "/.pulumi/stacks/" in str(p)
        ]
        assert files, "no state file written"
        return files[0].read_text()

    def resources(self, *, kind: str | None = None) -> list[dict[str, Any]]:
        """The state's resources (`stack export`); `kind` e.g. "EscalationRule" filters by type."""
        out = self.run("stack", "export", "--stack", self.name)
        res = list(json.loads(out.stdout)["deployment"].get("resources", []))
        if kind:
            res = [r for r in res if r.get("type", "").endswith(f":{kind}")]
        return res

    def logs_text(self) -> str:
        """Everything pulumi wrote under PULUMI_HOME and TMPDIR (logs, plugin output)."""
        chunks = []
        for root in (self.workdir / "home", self.workdir / "tmp"):
            chunks += [
                p.read_text(errors="replace") for p in root.rglob("*") if p.is_file() and not p.is_symlink()
            ]
        return "\n".join(chunks)

    def assert_no_secret_anywhere(self, *secrets: str) -> None:
        """The app key (and any extra `secrets`) appear nowhere on disk: the whole backend
        (state, history, backups), PULUMI_HOME, TMPDIR and the program directory's config."""
        needles = [self.app_key, *secrets]
        places: list[Path] = []
        for root in (self.workdir / "backend", self.workdir / "home", self.workdir / "tmp", self.program):
            places += [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
        for p in places:
            text = p.read_bytes().decode("utf-8", errors="replace")
            for needle in needles:
                assert needle not in text, f"a secret leaked into {p}"

    def remove(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".venv", "Pulumi.*.yaml")
