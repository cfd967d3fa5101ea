#!/usr/bin/env bash
# End to end with a real editor: headless Neovim (Debian's) drives `dfix lsp` through
# tests/editors/nvim_e2e.lua. Run by .ci/run; needs `nvim` (apt-get install neovim).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cargo build --quiet --manifest-path "$root/Cargo.toml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'FROM python:3.12-slim\nRUN echo start && pip install x==1.0\n' > Dockerfile
out="$(DFIX="$target/debug/dfix" timeout 60 nvim --headless -u "$root/tests/editors/nvim_e2e.lua" Dockerfile 2>&1)" || {
  printf '%s\n' "$out"
  echo "neovim e2e: 0 passed, 1 failed"
  exit 1
}
printf '%s\n' "$out"
want='# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip echo start && pip install x==1.0'
if [ "$(cat Dockerfile)" != "$want" ]; then
  echo "the saved file is not what --write gives:"; cat Dockerfile
  echo "neovim e2e: 0 passed, 1 failed"
  exit 1
fi
echo "neovim e2e: 1 passed, 0 failed"
