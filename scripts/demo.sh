#!/usr/bin/env bash
# The main job: the quickstart stack (root Pulumi.yaml -> examples/quickstart) against the built-in
# Flashduty emulator, with a local file backend and no cloud login.
#   1. set up (venv, package, pulumi CLI)   2. start the emulator (state kept in .pulumi-local/)
#   3. pulumi up                            4. show the outputs
#   5. pulumi preview --expect-no-changes   (proves the stack converged: no perpetual diff)
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/bootstrap.sh)"
STATE_DIR="$PWD/.pulumi-local/demo"
source scripts/pulumi-env.sh
STACK=demo

echo "== starting the Flashduty emulator"
log="$STATE_DIR/emulator.log"
python -m flashduty_pulumi.emulator --port 0 --state "$STATE_DIR/emulator-state.json" >"$log" 2>&1 &
emu_pid=$!
trap 'kill $emu_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  url="$(head -n1 "$log" 2>/dev/null || true)"
  case "$url" in http://*) break ;; esac
  kill -0 $emu_pid 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
echo "   emulator at $url (app key: the emulator's default, fd-emulator-key)"

pulumi stack select "$STACK" --create --non-interactive >/dev/null
pulumi config set flashduty:baseUrl "$url" --stack "$STACK"
pulumi config set --secret flashduty:appKey fd-emulator-key --stack "$STACK"

echo "== pulumi up"
pulumi up --yes --non-interactive --skip-preview --stack "$STACK"
echo "== stack outputs"
pulumi stack output --stack "$STACK"
echo "== pulumi preview --expect-no-changes"
pulumi preview --expect-no-changes --non-interactive --stack "$STACK"
echo "== done: the stack is up and converged. State: $STATE_DIR"
