#!/usr/bin/env bash
# The test matrix beyond the full suite (which scripts/test.sh runs in .venv: Python 3.11, the newest
# SDK of sdk-versions.sh):
#   - the oldest supported pulumi SDK, httpx and pydantic: the provider tier and the core e2e files;
#   - Python 3.10, 3.12 and 3.13 (3.11 is .venv's): the socket-free tiers (unit, contract) and one
#     end-to-end file, the README walk-through, which installs the wheel on that Python.
# Each job runs in its own .venv-NAME (scripts/extra-venv.sh, stamped, so re-runs skip installs),
# logs to .pulumi-local/matrix/NAME.log and prints one line; a failed job prints its log's tail.
# Every job runs; the script fails if any job failed, including one that collected no tests.
#   usage: scripts/matrix.sh [JOB ...]     (jobs: sdk-oldest py3.10 py3.12 py3.13; default all)
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/sdk-versions.sh
eval "$(bash scripts/bootstrap.sh)" || exit 1
export FLASHDUTY_PULUMI_BIN
LOGS=.pulumi-local/matrix
mkdir -p "$LOGS"

CORE_E2E=(tests/e2e/test_lifecycle.py tests/e2e/test_preview.py tests/e2e/test_secrets.py
          tests/e2e/test_adopt.py tests/e2e/test_validation.py)
SOCKET_FREE=(tests/unit tests/contract)
ONE_E2E=(tests/e2e/test_walkthrough.py)

failed=()
job() { # NAME PYTHON_X.Y "PINS" -- TEST_PATHS...
  local name="$1" pyv="$2" pins="$3"; shift 4
  local log="$LOGS/$name.log" start=$SECONDS py rc
  # shellcheck disable=SC2086  # the pins are separate words
  if ! py="$(bash scripts/extra-venv.sh "$name" "$pyv" $pins 2>"$log")"; then
    printf '[matrix] %-11s FAIL  could not build .venv-%s (see %s)\n' "$name" "$name" "$log"
    tail -n 30 "$log"; failed+=("$name"); return
  fi
  "$py" -m pytest -p no:cacheprovider -q "$@" >>"$log" 2>&1
  rc=$?
  local summary; summary="$(grep -E '^[=]* ?[0-9]+ (passed|failed|error)|no tests ran' "$log" | tail -n1 | tr -d '=')"
  if [ "$rc" -eq 0 ]; then
    printf '[matrix] %-11s ok   %s in %ss\n' "$name" "${summary# }" "$((SECONDS - start))"
  else
    # pytest's 5 means no test was collected: a broken path or filter, never a pass.
    [ "$rc" -eq 5 ] && summary="no tests collected (pytest exit 5)"
    printf '[matrix] %-11s FAIL %s in %ss (exit %s, log %s)\n' "$name" "${summary# }" "$((SECONDS - start))" "$rc" "$log"
    tail -n 60 "$log"; failed+=("$name")
  fi
}

jobs=("$@"); [ ${#jobs[@]} -gt 0 ] || jobs=(sdk-oldest py3.10 py3.12 py3.13)
for j in "${jobs[@]}"; do
  case "$j" in
    sdk-oldest) job sdk-oldest 3.11 "pulumi==$SDK_OLDEST httpx==$HTTPX_OLDEST pydantic==$PYDANTIC_OLDEST" \
                  -- tests/provider "${CORE_E2E[@]}" ;;
    py3.*)      job "$j" "${j#py}" "pulumi==$SDK_NEWEST" -- "${SOCKET_FREE[@]}" "${ONE_E2E[@]}" ;;
    *) echo "[matrix] unknown job $j (sdk-oldest py3.10 py3.12 py3.13)"; failed+=("$j") ;;
  esac
done
if [ ${#failed[@]} -gt 0 ]; then echo "[matrix] FAILED: ${failed[*]}"; exit 1; fi
echo "[matrix] all ${#jobs[@]} jobs passed"
