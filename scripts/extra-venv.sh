#!/usr/bin/env bash
# An extra virtualenv for the test matrix: .venv-NAME on Python X.Y with flashduty-pulumi[dev] and
# the given requirement pins (e.g. an SDK version). Safe to re-run: a stamp of pyproject.toml, the
# interpreter and the pins skips the install when nothing changed, as bootstrap.sh does for .venv.
#   usage: scripts/extra-venv.sh NAME X.Y [PIN ...]      prints the venv's python on stdout
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[extra-venv] %s\n' "$*" >&2; }
[ $# -ge 2 ] || { say "usage: $0 NAME X.Y [PIN ...]"; exit 2; }
name="$1" want="$2"; shift 2
venv=".venv-$name"

# The interpreter: pyenv's build of X.Y first (the CI machines have 3.10-3.13 there), then PATH.
find_python() {
  local root; root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
  local found; found="$(ls -d "$root"/versions/"$want".*/bin/python"$want" 2>/dev/null | sort -V | tail -n1)"
  if [ -n "$found" ]; then echo "$found"; return 0; fi
  command -v "python$want" 2>/dev/null || return 1
}
py="$(find_python)" || { say "no Python $want found (pyenv versions or python$want on PATH)"; exit 1; }

stamp="$venv/.installed-$( (cat pyproject.toml; "$py" --version; printf '%s\n' "$@") | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  if [ ! -x "$venv/bin/python" ] || [ "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$want" ]; then
    say "creating $venv with $("$py" --version 2>&1)"
    rm -rf "$venv"; "$py" -m venv "$venv"
  fi
  say "installing flashduty-pulumi[dev] $* into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev]' "$@" >&2
  rm -f "$venv"/.installed-*; touch "$stamp"
fi
echo "$PWD/$venv/bin/python"
