#!/usr/bin/env bash
# Obtain the pulumi CLI and its Python language host, matched to the pulumi SDK pinned in pyproject.toml.
#
# Order of preference:
#   1. a `pulumi` already on PATH, v3 and at least PULUMI_VERSION, with the Python plugins beside it
#      (CLIs are backward compatible with older SDKs; an official install ships those plugins);
#   2. a build cached in $FLASHDUTY_PULUMI_CACHE (default ~/.cache/flashduty-pulumi/pulumi-$V/bin);
#   3. a build from the Go module proxy into that cache (about 4 minutes cold on 2 cores, 1.6 GB of
#      module cache and 1.8 GB of build cache; progress shown);
#   4. the official installer, where the network allows it.
# Prints the directory holding `pulumi` as the only line on stdout; progress goes to stderr.
#
# Why 3.276.0: it is the newest pkg/v3 (the CLI's module) whose source the Go module proxy reachable
# here serves (its version list has no 3.261-3.273). A CLI newer than the SDK is the supported
# direction. The Python language host left the sdk/v3 module for a module of its own after v3.79.0,
# and that module has no tags and is not served, so the host is built from sdk/v3@v3.79.0, the last
# release that carries it. The engine/language-host protocol is backward compatible (the engine
# also drives separately released hosts such as Java and YAML), and the tests exercise this pairing.
set -euo pipefail

V="${PULUMI_VERSION:-3.276.0}"
HOST_V="${PULUMI_PYTHON_HOST_VERSION:-3.79.0}"
CACHE_ROOT="${FLASHDUTY_PULUMI_CACHE:-$HOME/.cache/flashduty-pulumi}"
OUT="$CACHE_ROOT/pulumi-$V"
BIN="$OUT/bin"
export PULUMI_SKIP_UPDATE_CHECK=1
PLUGINS=(pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python)

say() { printf '[pulumi-cli] %s\n' "$*" >&2; }
have_version() { [ -x "$1" ] && [ "$("$1" version 2>/dev/null)" = "v$V" ]; }
recent_enough() { # v3.x.y with x.y >= $V
  local got; got="$("$1" version 2>/dev/null | sed -n 's/^v\(3\.[0-9]*\.[0-9]*\).*/\1/p')"
  [ -n "$got" ] && [ "$(printf '%s\n%s\n' "$V" "$got" | sort -V | head -n1)" = "$V" ]
}
complete_bin() { for f in "${PLUGINS[@]}"; do [ -x "$1/$f" ] || return 1; done; }

if on_path="$(command -v pulumi 2>/dev/null)" && recent_enough "$on_path" && complete_bin "$(dirname "$on_path")"; then
  say "using $("$on_path" version) already on PATH at $(dirname "$on_path")"
  dirname "$on_path"; exit 0
fi
if have_version "$BIN/pulumi" && complete_bin "$BIN"; then
  say "using cached pulumi v$V at $BIN"
  echo "$BIN"; exit 0
fi

CLIP=github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
FLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$V"

new_module() { # $1: directory; a throwaway wrapper module with the release build's clipboard replace
  mkdir -p "$1"; cd "$1"
  [ -f go.mod ] || go mod init example.local/pulumi-build >/dev/null 2>&1
  go mod edit -replace "$CLIP"
}

build_from_go_proxy() {
  command -v go >/dev/null || { say "go is not installed"; return 1; }
  export GOFLAGS=-mod=mod GOTOOLCHAIN=auto
  mkdir -p "$BIN"

  say "[1/4] language host: sdk/v3@v$HOST_V/python/cmd/pulumi-language-python"
  new_module "$OUT/build-host"
  go get "github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python@v$HOST_V" 2>/dev/null
  go build -trimpath -ldflags "$FLAGS" -o "$BIN/pulumi-language-python" \
    github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python

  say "[2/4] downloading the modules of pkg/v3@v$V (about 1 GB the first time)"
  new_module "$OUT/build-cli"
  # Module paths, not package paths: the proxy answers 403 (not 404) for the guessed module
  # github.com/pulumi/pulumi/pkg/v3/cmd/pulumi, and go treats a 403 as fatal.
  go get -x "github.com/pulumi/pulumi/pkg/v3@v$V" "github.com/pulumi/pulumi/sdk/v3@v$V" 2>&1 \
    | grep --line-buffered -E '^# get .*\.zip$' \
    | awk '{n++; if (n % 25 == 0) {printf "[pulumi-cli]   %d module archives fetched\n", n > "/dev/stderr"; fflush("/dev/stderr")}}' || true

  say "[3/4] compiling pulumi v$V (the longest step)"
  go build -v -trimpath -tags osusergo,grpcnotrace -ldflags "$FLAGS" -o "$BIN/pulumi.partial" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi 2>&1 \
    | awk '{n++; if (n % 250 == 0) {printf "[pulumi-cli]   %d packages compiled\n", n > "/dev/stderr"; fflush("/dev/stderr")}}'
  [ -x "$BIN/pulumi.partial" ] || { say "go build of pulumi failed"; return 1; }

  say "[4/4] the Python plugin scripts from sdk/v3@v$V"
  local sdk; sdk="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
  install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$BIN/"
  install -m 0755 "$sdk/python/dist/pulumi-resource-pulumi-python" "$BIN/"
  mv "$BIN/pulumi.partial" "$BIN/pulumi"  # last, so a half-finished build is never taken for a whole one
}

start=$(date +%s)
if ( build_from_go_proxy ) && have_version "$BIN/pulumi" && complete_bin "$BIN"; then
  say "built pulumi v$V in $(( $(date +%s) - start ))s into $BIN"
  echo "$BIN"; exit 0
fi

say "building from the Go module proxy failed; trying the official installer"
if command -v curl >/dev/null && curl -fsSL --max-time 20 https://get.pulumi.com -o "$OUT/install.sh" 2>/dev/null; then
  sh "$OUT/install.sh" --version "$V" --install-root "$OUT" --no-edit-path >&2 || true
  if have_version "$BIN/pulumi"; then echo "$BIN"; exit 0; fi
fi
say "could not obtain pulumi v$V: none on PATH, the Go build failed and the installer is unreachable"
exit 1
