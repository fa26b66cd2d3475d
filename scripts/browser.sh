#!/usr/bin/env bash
# The browser the e2e tier's picture tests drive: Chromium from the Debian packages, installed when
# missing. Playwright's own browser download cannot be used here, so the tests point Playwright at
# this binary (FLASHDUTY_CHROMIUM). Safe to re-run. Prints only an `export` line on stdout.
set -euo pipefail
say() { printf '[browser] %s\n' "$*" >&2; }

find_chromium() {
  # The real binary, not Debian's /usr/bin/chromium wrapper script (which only adds flags).
  for candidate in "${FLASHDUTY_CHROMIUM:-}" /usr/lib/chromium/chromium /usr/bin/chromium; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! chromium="$(find_chromium)"; then
  if ! command -v apt-get >/dev/null; then
    say "no Chromium found and no apt-get to install it: install Chromium and set FLASHDUTY_CHROMIUM"
    exit 1
  fi
  run=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { say "installing Chromium needs root (or sudo)"; exit 1; }
    run=(sudo)
  fi
  say "installing chromium from the Debian packages"
  "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2
  chromium="$(find_chromium)"
fi
echo "export FLASHDUTY_CHROMIUM=\"$chromium\""
