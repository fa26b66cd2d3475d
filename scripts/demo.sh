#!/usr/bin/env bash
# The main job: the quickstart stack (root Pulumi.yaml -> examples/quickstart) against the built-in
# Flashduty emulator, with a local file backend and no cloud login.
#   1. set up (venv, package, pulumi CLI)   2. start the emulator (state kept in .pulumi-local/)
#   3. pulumi up                            4. show the outputs
#   5. pulumi preview --expect-no-changes   (proves the stack converged: no perpetual diff)
# Re-running it continues the same stack against the same emulator state; `make clean` starts over.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/bootstrap.sh)"
STATE_DIR="$PWD/.pulumi-local/demo"
source scripts/pulumi-env.sh
STACK=demo
# The stack's config (emulator URL, encrypted app key) lives with the demo's state, not in the
# repository root where `pulumi config set` would otherwise write Pulumi.demo.yaml.
P=(--stack "$STACK" --config-file "$STATE_DIR/Pulumi.$STACK.yaml")

echo "== starting the Flashduty emulator"
log="$STATE_DIR/emulator.log"
python -m flashduty_pulumi.emulator --port 0 --state "$STATE_DIR/emulator-state.json" >"$log" 2>&1 &
emu_pid=$!
trap 'kill $emu_pid 2>/dev/null || true' EXIT
url=""
for _ in $(seq 100); do
  url="$(head -n1 "$log" 2>/dev/null || true)"
  case "$url" in http://*) break ;; esac
  kill -0 $emu_pid 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
case "$url" in http://*) ;; *) echo "the emulator did not start; see $log" >&2; exit 1 ;; esac
echo "   emulator at $url (app key: the emulator's default, fd-emulator-key)"
echo "   its view of its state, live: $url/__emulator/ui"

pulumi stack select "$STACK" --create --non-interactive >/dev/null
# `stack select --create` writes Pulumi.demo.yaml (the passphrase salt) next to Pulumi.yaml and has
# no --config-file flag: move it to where every later command looks.
if [ -f "Pulumi.$STACK.yaml" ]; then mv "Pulumi.$STACK.yaml" "$STATE_DIR/Pulumi.$STACK.yaml"; fi
pulumi config set "${P[@]}" flashduty:baseUrl "$url"
pulumi config set "${P[@]}" --secret flashduty:appKey fd-emulator-key

echo "== pulumi up"
pulumi up "${P[@]}" --yes --non-interactive --skip-preview
echo "== stack outputs"
pulumi stack output --stack "$STACK"
echo "== pulumi preview --expect-no-changes"
pulumi preview "${P[@]}" --expect-no-changes --non-interactive
echo "== done: the stack is up and converged. State: $STATE_DIR"
