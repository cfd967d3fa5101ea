#!/usr/bin/env bash
# End to end with Emacs and Eglot: headless Emacs loads editors/emacs/dfix.el unchanged (with the
# built dfix first on PATH) and drives `dfix lsp` through tests/editors/eglot_e2e.el. Run by
# .ci/run, which installs Debian's emacs-nox, elpa-eglot and elpa-dockerfile-mode.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
label="emacs (eglot) e2e"
cargo build --quiet --manifest-path "$root/Cargo.toml"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/project" && ln -sf "$target/debug/dfix" "$work/bin/dfix"
cd "$work/project"
printf 'FROM python:3.12-slim\nRUN echo start && pip install x==1.0\n' > Dockerfile
fail() {
  printf '%s\n' "$1"
  echo "$label: 0 passed, 1 failed"
  exit 1
}
out="$(PATH="$work/bin:$PATH" DFIX_SNIPPET="$root/editors/emacs/dfix.el" timeout 60 \
  emacs --batch -l "$root/tests/editors/eglot_e2e.el" Dockerfile 2>&1)" || fail "$out"
grep -E '^(major-mode|CONTACT|DIAG|ACTION|RESULT|OK)' <<<"$out" || true
want='# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip echo start && pip install x==1.0'
[ "$(cat Dockerfile)" = "$want" ] || fail "the saved file is not what --write gives: $(cat Dockerfile)"
echo "$label: 1 passed, 0 failed"
