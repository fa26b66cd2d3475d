"""`flashduty-pulumi export`: arguments, files written, one-line errors with their exit codes,
and `--secrets-stack` handing each secret to `pulumi config set --secret` on stdin."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from test_export_fakes import SECRETS, SHARED_INTEGRATION, FakeApi, account

from flashduty_pulumi import cli
from flashduty_pulumi.client import ConfigurationError

pytestmark = pytest.mark.unit


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeApi:
    api = account()
    monkeypatch.setattr(cli, "_client", lambda _env, _url: api.client())
    return api


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(["export", *args])
    return code, capsys.readouterr().err


def test_writes_the_project(fake: FakeApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rules"
    code, err = run(capsys, "--out", str(out), "--all-channels", "--integration", str(SHARED_INTEGRATION))
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == [
        "Pulumi.yaml",
        "README.md",
        "__main__.py",
        "requirements.txt",
    ]
    assert "Exported 5 escalation, 3 silence and 1 routing rules" in err
    assert "3 webhook secrets in stack config" in err
    for p in out.iterdir():
        for secret in SECRETS:
            assert secret not in p.read_text()
    assert fake.writes() == []


def test_project_name_and_virtualenv(
    fake: FakeApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(capsys, "--out", str(tmp_path), "--project-name", "rules", "--virtualenv", "/opt/venv")
    assert code == 0
    text = (tmp_path / "Pulumi.yaml").read_text()
    assert text.startswith("name: rules\n") and "virtualenv: /opt/venv\n" in text


def test_an_existing_program_needs_force(
    fake: FakeApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "__main__.py").write_text("# mine\n")
    code, err = run(capsys, "--out", str(tmp_path))
    assert code == cli.EXIT_USAGE and "already exists; pass --force" in err
    assert (tmp_path / "__main__.py").read_text() == "# mine\n"
    code, _ = run(capsys, "--out", str(tmp_path), "--force")
    assert code == 0 and "fd.EscalationRule(" in (tmp_path / "__main__.py").read_text()


@pytest.mark.parametrize(
    ("setup", "args", "code", "message"),
    [
        (
            lambda f: setattr(f, "fail", (401, "Unauthorized")),
            [],
            cli.EXIT_AUTH,
            "refused the app key (Unauthorized): check FLASHDUTY_APP_KEY",
        ),
        (lambda f: setattr(f, "fail", (403, "AccessDenied")), [], cli.EXIT_AUTH, "(AccessDenied)"),
        (
            lambda f: setattr(f, "refuse_connections", True),
            [],
            cli.EXIT_UNREACHABLE,
            "cannot reach the Flashduty API at",
        ),
        (lambda f: setattr(f, "fail", (500, "InternalError")), [], cli.EXIT_API, "the Flashduty API failed"),
        (lambda f: None, ["--channel", "Nope"], cli.EXIT_NOT_FOUND, "no channel named 'Nope'"),
        (lambda f: None, ["--integration", "77"], cli.EXIT_NOT_FOUND, "integration 77 does not exist"),
    ],
)
def test_errors_are_one_line_with_their_exit_code(
    fake: FakeApi,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    setup: object,
    args: list[str],
    code: int,
    message: str,
) -> None:
    setup(fake)  # type: ignore[operator]
    got, err = run(capsys, "--out", str(tmp_path / "out"), *args)
    assert got == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("flashduty-pulumi export: error: "), err
    assert message in lines[0]
    assert "unit-key-0000" not in err
    assert not (tmp_path / "out").exists()


def test_the_key_comes_from_the_environment_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASHDUTY_APP_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="no app key: set FLASHDUTY_APP_KEY"):
        cli._client("FLASHDUTY_APP_KEY", None)
    monkeypatch.setenv("MY_KEY", " key-from-elsewhere ")
    client = cli._client("MY_KEY", "http://127.0.0.1:1/")
    assert client.config.app_key == "key-from-elsewhere"
    assert client.config.base_url == "http://127.0.0.1:1"
    assert client.config.retry.max_retries == cli.EXPORT_RETRIES
    with pytest.raises(ConfigurationError, match="base URL"):
        cli._client("MY_KEY", "ftp://nowhere")
    parser_args = {a.dest for a in cli._parser()._subparsers._group_actions[0].choices["export"]._actions}  # type: ignore[union-attr]
    assert not {"app_key", "key", "token"} & parser_args


def test_missing_key_and_bad_url_exit_3(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FLASHDUTY_APP_KEY", raising=False)
    code, err = run(capsys, "--out", str(tmp_path / "o"))
    assert code == cli.EXIT_CONFIG and "no app key" in err
    monkeypatch.setenv("FLASHDUTY_APP_KEY", "k")
    code, err = run(capsys, "--out", str(tmp_path / "o"), "--base-url", "not a url")
    assert code == cli.EXIT_CONFIG and "base URL" in err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["export", "--integration", "abc"])
    assert caught.value.code == 2
    assert "must be a numeric integration ID" in capsys.readouterr().err


def test_help_documents_exit_codes_and_environment(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["export", "--help"])
    text = capsys.readouterr().out
    for needle in (
        "FLASHDUTY_APP_KEY",
        "FLASHDUTY_BASE_URL",
        "Exit codes",
        "--secrets-stack",
        "--integration",
    ):
        assert needle in text


def fake_pulumi(bin_dir: Path, log: Path, fail: bool = False) -> None:
    script = bin_dir / "pulumi"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "ARGS $*" >> "{log}"\n'
        f'printf "STDIN %s\\n" "$(cat)" >> "{log}"\n'
        + ('echo "error: no stack named prod" >&2; exit 255\n' if fail else "exit 0\n")
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_secrets_stack_sets_each_secret_through_stdin(
    fake: FakeApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir, log = tmp_path / "bin", tmp_path / "pulumi.log"
    bin_dir.mkdir()
    fake_pulumi(bin_dir, log)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    code, err = run(capsys, "--out", str(tmp_path / "out"), "--secrets-stack", "prod")
    assert code == 0, err
    assert "Stored 3 webhook secrets in stack prod" in err
    lines = log.read_text().splitlines()
    args = [line for line in lines if line.startswith("ARGS ")]
    assert args == [
        f"ARGS config set --secret --stack prod -- {key}"
        for key in ("feishu_ops_token", "custom_on_call_l2_url", "custom_on_call_l2_headers")
    ]
    assert all(secret not in a for a in args for secret in SECRETS)  # never on a command line
    stdin = "\n".join(line for line in lines if line.startswith("STDIN "))
    assert all(secret in stdin for secret in SECRETS)


def test_secrets_stack_failures_exit_7_after_writing_the_program(
    fake: FakeApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir, log = tmp_path / "bin", tmp_path / "pulumi.log"
    bin_dir.mkdir()
    fake_pulumi(bin_dir, log, fail=True)
    monkeypatch.setenv("PATH", str(bin_dir))
    code, err = run(capsys, "--out", str(tmp_path / "out"), "--secrets-stack", "prod")
    assert code == cli.EXIT_SECRETS
    assert "no stack named prod" in err.strip().splitlines()[-1]
    assert (tmp_path / "out" / "__main__.py").exists()
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    code, err = run(capsys, "--out", str(tmp_path / "out"), "--force", "--secrets-stack", "prod")
    assert code == cli.EXIT_SECRETS and "needs the pulumi CLI on PATH" in err
