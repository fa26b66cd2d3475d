#!/usr/bin/env bash
# The whole test suite from a fresh machine: set-up (venv, package, pulumi CLI), static checks, then
# every tier (unit, contract, provider, e2e) in .venv, then scripts/matrix.sh (the oldest supported
# SDK, Python 3.10/3.12/3.13), which prints one line per job. The e2e tier needs the CLI: obtaining
# it is part of set-up, and a missing CLI fails the run rather than skipping tests. Arguments go to
# the first pytest only; FLASHDUTY_SKIP_MATRIX=1 leaves the matrix out (a local quick run).
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/bootstrap.sh)"
echo "== ruff"; ruff check .
echo "== mypy --strict"; mypy
echo "== pytest"
rc=0; python -m pytest -p no:cacheprovider "$@" || rc=$?
# 5 is pytest's "no tests collected": a wrong path or filter, never a pass.
if [ "$rc" -eq 5 ]; then echo "== pytest collected no tests: failing" >&2; exit 1; fi
[ "$rc" -eq 0 ] || exit "$rc"
if [ "${FLASHDUTY_SKIP_MATRIX:-}" = 1 ]; then echo "== matrix skipped (FLASHDUTY_SKIP_MATRIX=1)"; exit 0; fi
echo "== matrix (scripts/matrix.sh)"
start=$SECONDS
bash scripts/matrix.sh
echo "== matrix took $((SECONDS - start)) s"
