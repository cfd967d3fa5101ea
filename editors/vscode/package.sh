#!/usr/bin/env bash
# Packs the VS Code extension with the dfix binary of this machine bundled:
# editors/vscode/dfix-<target>.vsix (e.g. dfix-linux-x64.vsix).
#
# Usage: editors/vscode/package.sh [--debug]   (--debug: bundle target/debug/dfix, no release build)
#
# Needs cargo, node >= 20 and npm; everything else comes from the npm registry (npm ci).
# A package for another platform needs a dfix built for it in bundled/ and `--target` to match:
# the VS Code targets are win32-x64, linux-x64, linux-arm64, darwin-x64, darwin-arm64, alpine-x64, ….
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
if [ "${1:-}" = --debug ]; then
  cargo build --quiet --locked --manifest-path "$root/Cargo.toml"
  binary="$target_dir/debug/dfix"
else
  cargo build --quiet --locked --release --manifest-path "$root/Cargo.toml"
  binary="$target_dir/release/dfix"
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) vsce_target=linux-x64 ;;
  Linux-aarch64) vsce_target=linux-arm64 ;;
  Darwin-x86_64) vsce_target=darwin-x64 ;;
  Darwin-arm64) vsce_target=darwin-arm64 ;;
  *) echo "package.sh: no VS Code target for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac
cd "$here"
rm -rf bundled && mkdir bundled
cp "$binary" bundled/dfix
npm ci --no-audit --no-fund --loglevel=error
# `vsce package` compiles (the vscode:prepublish script) and packs the production dependencies
npx vsce package --target "$vsce_target" --out "dfix-$vsce_target.vsix"
