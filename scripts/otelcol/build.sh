#!/usr/bin/env bash
# Builds the kodelet-otelcol collector described by builder-config.yaml, once.
#
# The binary lives outside the repository, in
#   ${KODELET_OTELCOL_CACHE:-$HOME/.cache/kodelet/otelcol}/<version>/kodelet-otelcol
# next to a copy of the manifest it was built from. When that binary exists and the manifest has
# not changed, this script only prints its path (milliseconds); otherwise it installs the matching
# builder into <cache>/bin and runs it (minutes the first time; Go's module and build caches stay
# warm in their usual places, so a rebuild is much faster).
#
# stdout: the binary's absolute path on the last line. Progress and builder output go to stderr.
# Exit status: 0 built or reused; 69 Go is not installed; anything else: the build failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
manifest="$here/builder-config.yaml"
name="kodelet-otelcol"

if ! command -v go >/dev/null 2>&1; then
  echo "kodelet-otelcol: Go is not installed (no 'go' on PATH); install Go >= 1.24 to build the test collector" >&2
  exit 69
fi

# dist.version in the manifest is the collector release line, e.g. 0.158.0.
version="$(sed -n 's/^[[:space:]]*version:[[:space:]]*"\{0,1\}\([0-9][0-9.]*\)"\{0,1\}[[:space:]]*$/\1/p' "$manifest" | head -n 1)"
if [ -z "$version" ]; then
  echo "kodelet-otelcol: no dist.version found in $manifest" >&2
  exit 1
fi

cache_root="${KODELET_OTELCOL_CACHE:-${HOME:?HOME is not set}/.cache/kodelet/otelcol}"
cache="$cache_root/$version"
binary="$cache/$name"
mkdir -p "$cache"

is_current() {
  [ -x "$binary" ] && [ -f "$cache/builder-config.yaml" ] && cmp -s "$manifest" "$cache/builder-config.yaml"
}

if is_current; then
  echo "$binary"
  exit 0
fi

# Two test runs may ask at once: the second waits for the first instead of building again.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache/.lock"
  flock 9
  if is_current; then
    echo "$binary"
    exit 0
  fi
fi

started=$SECONDS
builder="$cache_root/bin/builder-v$version"
if [ ! -x "$builder" ]; then
  echo "kodelet-otelcol: installing the collector builder v$version" >&2
  mkdir -p "$cache_root/bin"
  GOBIN="$cache_root/bin" go install "go.opentelemetry.io/collector/cmd/builder@v$version" >&2
  mv -f "$cache_root/bin/builder" "$builder"
fi

echo "kodelet-otelcol: building $name $version in $cache (the first build takes a few minutes)" >&2
work="$cache/work"
rm -rf "$work"
mkdir -p "$work"
cp "$manifest" "$work/builder-config.yaml"
# The manifest's output_path (./build) is relative to the directory the builder runs in.
(cd "$work" && "$builder" --config builder-config.yaml) >&2

mv -f "$work/build/$name" "$binary"
cp "$manifest" "$cache/builder-config.yaml"
rm -rf "$work"
echo "kodelet-otelcol: built $binary in $((SECONDS - started))s" >&2
echo "$binary"
