#!/bin/sh
# Installs the kodelet binary for this machine from a GitHub release, after checking its SHA-256.
#   curl -fsSL https://raw.githubusercontent.com/<owner>/kodelet/main/install.sh | sh
#   sh install.sh [install-dir]          (default: ~/.local/bin)
# Environment: KODELET_VERSION (default: latest), KODELET_REPO (default: kodelet/kodelet).
set -eu

repo="${KODELET_REPO:-kodelet/kodelet}"
version="${KODELET_VERSION:-latest}"
dir="${1:-$HOME/.local/bin}"

fail() { echo "install.sh: $*" >&2; exit 1; }

case "$(uname -s)" in
  Linux) os="unknown-linux-gnu" ;;
  Darwin) os="apple-darwin" ;;
  *) fail "unsupported OS $(uname -s); on Windows download kodelet-x86_64-pc-windows-msvc.exe from the release page" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch="x86_64" ;;
  arm64 | aarch64) arch="aarch64" ;;
  *) fail "unsupported CPU $(uname -m)" ;;
esac
asset="kodelet-${arch}-${os}"

if [ "$version" = "latest" ]; then
  base="https://github.com/${repo}/releases/latest/download"
else
  base="https://github.com/${repo}/releases/download/${version}"
fi

command -v curl >/dev/null 2>&1 || fail "curl is needed"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "downloading ${asset} (${version})" >&2
curl -fsSL -o "$tmp/$asset" "$base/$asset" || fail "cannot download $base/$asset"
curl -fsSL -o "$tmp/SHA256SUMS" "$base/SHA256SUMS" || fail "cannot download $base/SHA256SUMS"

expected="$(grep " ${asset}\$" "$tmp/SHA256SUMS" | cut -d' ' -f1)"
[ -n "$expected" ] || fail "SHA256SUMS has no entry for $asset"
if command -v sha256sum >/dev/null 2>&1; then
  actual="$(sha256sum "$tmp/$asset" | cut -d' ' -f1)"
else
  actual="$(shasum -a 256 "$tmp/$asset" | cut -d' ' -f1)"
fi
[ "$expected" = "$actual" ] || fail "checksum mismatch for $asset: expected $expected, got $actual"

mkdir -p "$dir"
install -m 0755 "$tmp/$asset" "$dir/kodelet"
echo "installed $dir/kodelet" >&2
case ":$PATH:" in
  *":$dir:"*) ;;
  *) echo "note: $dir is not on your PATH" >&2 ;;
esac
"$dir/kodelet" --version
