"""The ``flashduty-pulumi`` console script.

    flashduty-pulumi --version
    flashduty-pulumi export [--channel NAME_OR_ID ...] [--integration ID ...] [--all-channels]
                            [--out DIR] [--force] [--base-url URL] [--app-key-env VAR]
                            [--project-name NAME] [--virtualenv PATH] [--secrets-stack STACK]

The app key comes from the environment (FLASHDUTY_APP_KEY, or the variable ``--app-key-env``
names), never from the command line, where shell history and process listings would keep it.

    flashduty-pulumi simulate | test | lint | snapshot ...   (see flashduty_pulumi/simulate)
    flashduty-pulumi graph --out FILE.html ...                 (see flashduty_pulumi/graph)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .client import (
    AccessDenied,
    ConfigurationError,
    FlashdutyClient,
    FlashdutyError,
    RetryPolicy,
    TransportError,
    Unauthorized,
    redact,
)
from .client.config import DEFAULT_BASE_URL, ENV_APP_KEY, ENV_BASE_URL, ENV_MAX_RETRIES, ClientConfig
from .export import Directory, ExportError, ExportOptions, build_program, read_snapshot
from .version import package_version

PROG = "flashduty-pulumi"

EXIT_OK = 0
EXIT_API = 1  # any other API error
EXIT_USAGE = 2  # bad arguments; the output directory already holds a program
EXIT_CONFIG = 3  # no app key, malformed base URL
EXIT_NOT_FOUND = 4  # unknown channel or integration
EXIT_UNREACHABLE = 5  # no usable answer from the API
EXIT_AUTH = 6  # the key was refused (Unauthorized) or may not read (AccessDenied)
EXIT_SECRETS = 7  # the program was written, but storing the webhook secrets in the stack failed

# The export is interactive: give up on an unreachable API after a couple of quick retries
# instead of the provider's minute-long budget (FLASHDUTY_MAX_RETRIES still overrides).
EXPORT_RETRIES = 2
EXPORT_DEADLINE = 20.0

EXPORT_EPILOG = f"""\
Selection: --channel (repeatable; exact name or numeric ID) exports those channels' escalation and
silence rules; --all-channels (the default when neither --channel nor --integration is given)
exports every channel the key can see. Routing rules need --integration ID (repeatable): the API
has no call that lists integrations.

Environment: {ENV_APP_KEY} (the app key; or the variable --app-key-env names), {ENV_BASE_URL}
(default {DEFAULT_BASE_URL}; --base-url wins).

Webhook tokens are never written to the program: it reads them from secret stack config, and
README.md lists the `pulumi config set --secret` commands. --secrets-stack STACK stores them in
that (existing) stack's encrypted config directly, through `pulumi config set --secret` on stdin.

Exit codes: 0 done; 1 API error; 2 usage, or DIR already holds a program (use --force);
3 no app key or bad base URL; 4 unknown channel or integration; 5 API unreachable;
6 app key refused; 7 program written but storing the secrets failed.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Flashduty rules as Pulumi programs.")
    parser.add_argument("--version", action="version", version=f"{PROG} {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    exp = sub.add_parser(
        "export",
        help="write a Pulumi Python program that adopts the live rules",
        description="Read the live escalation, silence and routing rules and write a ready Pulumi "
        "Python program that adopts them on its first `pulumi up`.",
        epilog=EXPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exp.add_argument(
        "--channel", action="append", default=[], metavar="NAME_OR_ID", help="a channel to export"
    )
    exp.add_argument(
        "--integration",
        action="append",
        default=[],
        type=_positive_int,
        metavar="ID",
        help="a shared integration whose routing rule to export",
    )
    exp.add_argument("--all-channels", action="store_true", help="every channel the app key can see")
    exp.add_argument(
        "--out", default="flashduty-rules", metavar="DIR", help="where to write (default: %(default)s)"
    )
    exp.add_argument("--force", action="store_true", help="overwrite a program already in DIR")
    exp.add_argument(
        "--base-url", metavar="URL", help=f"the API (default: ${ENV_BASE_URL} or {DEFAULT_BASE_URL})"
    )
    exp.add_argument(
        "--app-key-env",
        default=ENV_APP_KEY,
        metavar="VAR",
        help="the environment variable holding the app key (default: %(default)s)",
    )
    exp.add_argument("--project-name", default="flashduty-rules", metavar="NAME", help="Pulumi project name")
    exp.add_argument(
        "--virtualenv",
        default="venv",
        metavar="PATH",
        help="runtime.options.virtualenv in Pulumi.yaml (default: %(default)s)",
    )
    exp.add_argument(
        "--secrets-stack",
        metavar="STACK",
        help="store the webhook secrets in this existing stack's config (runs `pulumi config set --secret`)",
    )
    _add_simulator_commands(sub)
    _add_graph_command(sub)
    return parser


def _add_simulator_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """simulate, test, lint and snapshot (flashduty_pulumi.simulate.commands)."""
    from .simulate.commands import add_commands

    add_commands(sub)


def _run_simulator_command(args: argparse.Namespace) -> int | None:
    from .simulate.commands import COMMANDS, run_command

    return run_command(args) if args.command in COMMANDS else None


def _positive_int(text: str) -> int:
    if not text.strip().isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"must be a numeric integration ID, got {text!r}")
    return int(text)


def _fail(message: str, code: int) -> int:
    print(f"{PROG} export: error: {redact(message)}", file=sys.stderr)
    return code


def _client(app_key_env: str, base_url: str | None) -> FlashdutyClient:
    retries = os.environ.get(ENV_MAX_RETRIES)
    policy = RetryPolicy(
        max_retries=int(retries) if retries and retries.isdigit() else EXPORT_RETRIES,
        deadline=EXPORT_DEADLINE,
    )
    key = os.environ.get(app_key_env, "").strip()
    if not key:
        raise ConfigurationError(f"no app key: set {app_key_env} (the APP key of your Flashduty account)")
    return FlashdutyClient(config=ClientConfig.resolve(key, base_url or None, retry=policy))


def _store_secrets(out: Path, stack: str, secrets: Sequence[object]) -> str | None:
    """Set each secret with `pulumi config set --secret` (value on stdin); an error message or None."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        return "--secrets-stack needs the pulumi CLI on PATH"
    for s in secrets:
        key, text = s.key, s.config_text  # type: ignore[attr-defined]
        proc = subprocess.run(
            [pulumi, "config", "set", "--secret", "--stack", stack, "--", key],
            cwd=out,
            input=text,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            detail = " ".join((proc.stderr or proc.stdout).split())
            return f"`pulumi config set --secret --stack {stack} {key}` failed: {detail}"
    return None


def export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if (out / "__main__.py").exists() and not args.force:
        return _fail(f"{out}/__main__.py already exists; pass --force to overwrite it", EXIT_USAGE)
    base_url = args.base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    try:
        client = _client(args.app_key_env, args.base_url)
        base_url = client.config.base_url
        directory = Directory(client)
        snapshot = read_snapshot(
            client,
            directory,
            channels=args.channel,
            integrations=args.integration,
            all_channels=args.all_channels,
        )
        options = ExportOptions(project_name=args.project_name, virtualenv=args.virtualenv, base_url=base_url)
        result = build_program(snapshot, directory, options)
    except ExportError as exc:
        return _fail(str(exc), exc.exit_code)
    except ConfigurationError as exc:
        return _fail(exc.message or str(exc), EXIT_CONFIG)
    except TransportError as exc:
        return _fail(f"cannot reach the Flashduty API at {base_url}: {exc.message or exc}", EXIT_UNREACHABLE)
    except Unauthorized:
        return _fail(
            f"the Flashduty API at {base_url} refused the app key (Unauthorized): check {args.app_key_env}",
            EXIT_AUTH,
        )
    except AccessDenied as exc:
        return _fail(f"the app key may not read these rules (AccessDenied): {exc.message or exc}", EXIT_AUTH)
    except FlashdutyError as exc:
        return _fail(f"the Flashduty API failed: {exc}", EXIT_API)

    out.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(result.files.items()):
        (out / name).write_text(text, encoding="utf-8")
    for warning in result.warnings:
        print(f"warning: {redact(warning)}", file=sys.stderr)
    c = result.counts
    print(
        f"Exported {c['escalation']} escalation, {c['silence']} silence and {c['route']} routing rules to "
        f"{out}/ ({len(result.secrets)} webhook secrets in stack config"
        + (f", {c['skipped']} rules commented out" if c["skipped"] else "")
        + f"). Next: {out}/README.md",
        file=sys.stderr,
    )
    if args.secrets_stack and result.secrets:
        problem = _store_secrets(out, args.secrets_stack, result.secrets)
        if problem is not None:
            return _fail(problem, EXIT_SECRETS)
        print(f"Stored {len(result.secrets)} webhook secrets in stack {args.secrets_stack}.", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "export":
        return export(args)
    if args.command == "graph":
        from .graph.command import run_graph

        return run_graph(args)
    code = _run_simulator_command(args)
    return EXIT_USAGE if code is None else code  # pragma: no cover (argparse requires a command)


def _add_graph_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """graph: the alert path as one HTML file (flashduty_pulumi.graph.command)."""
    from .graph.command import add_graph_command

    add_graph_command(sub)


if __name__ == "__main__":
    sys.exit(main())
