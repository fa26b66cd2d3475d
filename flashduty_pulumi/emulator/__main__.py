"""`python -m flashduty_pulumi.emulator` / `flashduty-emulator`: run the local Flashduty API.

The first line on stdout is the base URL (e.g. http://127.0.0.1:8080), flushed at once, so a
parent process can read it even with --port 0. The app key is never printed. Ctrl-C or SIGTERM stops
the server cleanly (state, if persisted, is written after every change already).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from flashduty_pulumi.emulator import DEFAULT_APP_KEY

APP_KEY_ENV = "FLASHDUTY_EMULATOR_APP_KEY"
_EXTRA_MODULES = ("jsonschema", "referencing")  # what the `emulator` extra installs


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="flashduty-emulator", description="A local Flashduty API emulator.")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--app-key",
        default=None,
        help=f"the accepted app_key (default: ${APP_KEY_ENV}, else {DEFAULT_APP_KEY!r})",
    )
    parser.add_argument("--read-only-key", default=None, help="an extra key that gets AccessDenied on writes")
    parser.add_argument(
        "--state", type=Path, default=None, help="JSON file to load state from and save it to"
    )
    parser.add_argument("--no-rate-limit", action="store_true", help="turn off the 50/s, 1000/min limiter")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    parser.add_argument(
        "--read-timeout",
        type=float,
        default=60.0,
        help="seconds a connection may wait between reads before it is closed (default 60)",
    )
    return parser


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwinds serve_forever() in the main thread


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        from flashduty_pulumi.emulator.httpserver import make_server
        from flashduty_pulumi.emulator.server import Config, Emulator
    except ModuleNotFoundError as error:
        if error.name not in _EXTRA_MODULES:
            raise
        print(
            f"flashduty-emulator: the emulator needs {error.name}; "
            "install it with: pip install 'flashduty-pulumi[emulator]'",
            file=sys.stderr,
        )
        return 3
    config = Config(
        app_key=args.app_key or os.environ.get(APP_KEY_ENV) or DEFAULT_APP_KEY,
        read_only_key=args.read_only_key,
        rate_limit=not args.no_rate_limit,
        quiet=args.quiet,
    )
    try:
        server = make_server(Emulator(config, args.state), args.host, args.port, args.read_timeout)
    except (OSError, ValueError) as error:
        print(f"flashduty-emulator: {error}", file=sys.stderr)
        return 2
    print(server.base_url, flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
