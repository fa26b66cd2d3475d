#!/usr/bin/env bash
# Everything a fresh machine needs: the virtualenv with the package and its dev/emulator extras (at
# the newest pulumi SDK the tests cover, see sdk-versions.sh), and the pulumi CLI (see pulumi-cli.sh). Safe to re-run: each step is skipped when already done.
# Prints nothing on stdout but `export` lines for the caller to eval (PATH to the CLI, the venv python).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[bootstrap] %s\n' "$*" >&2; }

source scripts/sdk-versions.sh
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PY --version 2>&1)"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml scripts/sdk-versions.sh | sha1sum | cut -c1-12)
if [ ! -f "$stamp" ]; then
  say "installing flashduty-pulumi[dev] into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' "pulumi==$SDK_NEWEST" >&2
  rm -f .venv/.installed-*; touch "$stamp"
fi
bin="$(bash scripts/pulumi-cli.sh)"
echo "export PATH=\"$bin:$PWD/.venv/bin:\$PATH\""
echo "export FLASHDUTY_PULUMI_BIN=\"$bin\""
bash scripts/browser.sh  # Chromium for the picture tests (e2e tier)
