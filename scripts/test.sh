#!/usr/bin/env bash
# The whole test suite from a fresh machine: set-up (venv, package, pulumi CLI), static checks, then
# every tier (unit, contract, provider, e2e). The e2e tier needs the CLI: obtaining it is part of
# set-up, and a missing CLI fails the run rather than skipping tests.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/bootstrap.sh)"
echo "== ruff"; ruff check .
echo "== mypy --strict"; mypy
echo "== pytest"; python -m pytest -p no:cacheprovider "$@"
