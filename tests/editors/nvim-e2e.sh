#!/usr/bin/env bash
# End to end with a real editor: headless Neovim drives `dfix lsp` through
# tests/editors/nvim_e2e.lua. Run by .ci/run.
#
# Usage: tests/editors/nvim-e2e.sh            Debian's `nvim` (0.7; apt-get install neovim) starts
#                                             the server itself (vim.lsp.start_client)
#        tests/editors/nvim-e2e.sh --snippet  the same with NVIM=/path/to/nvim, but the server is started
#                                             by editors/neovim/dfix.lua, loaded unchanged with the built
#                                             dfix first on PATH (tests/editors/nvim012-e2e.sh: 0.12)
#        tests/editors/nvim-e2e.sh --snippet-legacy   the same through the snippet's vim.lsp.start
#                                             branch (0.8-0.10), with vim.lsp.config hidden
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
nvim="${NVIM:-nvim}"
snippet=
label="neovim e2e"
case "${1:-}" in
  --snippet) snippet="$root/editors/neovim/dfix.lua"; label="neovim snippet e2e" ;;
  # the snippet's branch for Neovim 0.8-0.10 (vim.lsp.start), taken by hiding vim.lsp.config
  --snippet-legacy) snippet="$root/editors/neovim/dfix.lua"; label="neovim snippet (0.8-0.10 branch) e2e"
    export DFIX_SNIPPET_LEGACY=1 ;;
esac
cargo build --quiet --manifest-path "$root/Cargo.toml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir project && cd project
printf 'FROM python:3.12-slim\nRUN echo start && pip install x==1.0\n' > Dockerfile
run() {
  if [ -n "$snippet" ]; then
    # a root marker the snippet looks for, and the real dfix as `dfix` on PATH
    : > dfix.toml
    mkdir -p "$work/bin" && ln -sf "$target/debug/dfix" "$work/bin/dfix"
    PATH="$work/bin:$PATH" DFIX_SNIPPET="$snippet" timeout 60 "$nvim" --headless -u "$root/tests/editors/nvim_e2e.lua" Dockerfile 2>&1
  else
    DFIX="$target/debug/dfix" timeout 60 "$nvim" --headless -u "$root/tests/editors/nvim_e2e.lua" Dockerfile 2>&1
  fi
}
out="$(run)" || {
  printf '%s\n' "$out"
  echo "$label: 0 passed, 1 failed"
  exit 1
}
printf '%s\n' "$out"
want='# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip echo start && pip install x==1.0'
if [ "$(cat Dockerfile)" != "$want" ]; then
  echo "the saved file is not what --write gives:"; cat Dockerfile
  echo "$label: 0 passed, 1 failed"
  exit 1
fi
if [ -n "$snippet" ] && ! grep -qx "ROOT $work/project" <<<"$out"; then
  echo "the snippet did not take the directory of dfix.toml as the root"
  echo "$label: 0 passed, 1 failed"
  exit 1
fi
echo "$label: 1 passed, 0 failed"
