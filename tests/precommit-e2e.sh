#!/usr/bin/env bash
# End-to-end test of .pre-commit-hooks.yaml with the real pre-commit client (.ci/run runs it).
#
# Usage: tests/precommit-e2e.sh [REPO]        (REPO: the dfix checkout to test; default: this one)
#
# `pre-commit try-repo REPO` builds the hooks from a clone of REPO: its HEAD plus staged files
# and changes to tracked files. Untracked files are not seen. CI runs on a clean clone, so
# there it tests what is committed; locally, commit (or at least `git add`) first.
#
# pre-commit 4.x comes from PyPI into a venv at REPO/target/precommit-venv (made once).
# Every try-repo call runs `cargo install --path .` in a fresh clone; CARGO_TARGET_DIR
# (default REPO/target) is shared by all of them, so the dependencies are compiled once and
# each call only recompiles dfix itself.
set -euo pipefail
start=$SECONDS
REPO=$(cd "${1:-$(dirname "$0")/..}" && pwd)
VENV=$REPO/target/precommit-venv
if ! "$VENV/bin/pre-commit" --version 2>/dev/null | grep -q '^pre-commit 4\.'; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check 'pre-commit>=4,<5'
fi
PC=$VENV/bin/pre-commit
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export PRE_COMMIT_HOME=$WORK/pre-commit-home
export NO_COLOR=1

fail() {
  echo "FAIL: $*"
  exit 1
}

# A project with three bad Dockerfiles that only the hooks' `files` regex selects together,
# a template and an excluded file that must be left alone.
cd "$WORK" && mkdir project && cd project
git init -q
git config user.email ci@example.invalid
git config user.name ci
mkdir vendor
printf 'FROM python:3.12-slim\nRUN pip install flask==3.1.0\n' > Dockerfile
printf '# syntax=docker/dockerfile:1\nFROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n' > app.dockerfile
printf '# syntax=docker/dockerfile:experimental\nFROM golang:1.23\nRUN go build ./...\n' > Containerfile.prod
cp Dockerfile Dockerfile.j2            # a template: not a Dockerfile to dfix or to the hooks
cp Dockerfile vendor/Dockerfile        # excluded by dfix.toml; --force-exclude keeps it out
printf 'exclude = ["vendor/"]\n' > dfix.toml
git add -A
sha256sum Dockerfile app.dockerfile Containerfile.prod Dockerfile.j2 vendor/Dockerfile > "$WORK/before"

# `path rule` for every finding in dfix's human output, sorted
findings() {
  awk 'match($0, /^(error|warning|info)\[[a-z0-9-]+\]/) { r = substr($0, RSTART, RLENGTH); sub(/^[a-z]+\[/, "", r); sub(/\]$/, "", r) }
       match($0, /┌─ [^:]+:/) { p = substr($0, RSTART, RLENGTH); sub(/^┌─ /, "", p); sub(/:$/, "", p); print p " " r }' "$1" | sort
}

# 1. the lint hook fails, names every rule in all three files, and touches nothing
t=$SECONDS
if "$PC" try-repo "$REPO" dfix --all-files > "$WORK/lint.log" 2>&1; then
  cat "$WORK/lint.log"
  fail "the dfix hook passed on bad Dockerfiles"
fi
grep -q '^dfix\.*Failed$' "$WORK/lint.log" || { cat "$WORK/lint.log"; fail "no 'dfix ... Failed' line"; }
expected='Containerfile.prod go-without-cache-mount
Containerfile.prod syntax-directive-experimental
Dockerfile pip-without-cache-mount
app.dockerfile npm-without-cache-mount'
got=$(findings "$WORK/lint.log")
[ "$got" = "$expected" ] || { cat "$WORK/lint.log"; fail "findings differ: got
$got"; }
sha256sum --quiet -c "$WORK/before" || fail "the dfix hook modified a file"
echo "ok 1 - dfix fails and names the rules of Dockerfile, app.dockerfile, Containerfile.prod ($((SECONDS - t)) s)"

# 2. the fix hook rewrites the three files, fails so that they are staged again, and leaves
#    the template and the excluded file alone
t=$SECONDS
if "$PC" try-repo "$REPO" dfix-fix --all-files > "$WORK/fix.log" 2>&1; then
  cat "$WORK/fix.log"
  fail "the dfix-fix hook passed although it fixed files"
fi
grep -q '^dfix --write\.*Failed$' "$WORK/fix.log" || { cat "$WORK/fix.log"; fail "no 'dfix --write ... Failed' line"; }
grep -q 'files were modified by this hook' "$WORK/fix.log" || { cat "$WORK/fix.log"; fail "pre-commit saw no modification"; }
check_file() {
  [ "$(cat "$1")" = "$(printf '%b' "$2")" ] || { cat "$WORK/fix.log"; echo "--- $1:"; cat "$1"; fail "$1 not fixed as expected"; }
}
check_file Dockerfile '# syntax=docker/dockerfile:1\nFROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.1.0'
check_file app.dockerfile '# syntax=docker/dockerfile:1\nFROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci'
check_file Containerfile.prod '# syntax=docker/dockerfile:1\nFROM golang:1.23\nRUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod go build ./...'
grep -E 'Dockerfile.j2|vendor/Dockerfile' "$WORK/before" | sha256sum --quiet -c - || fail "dfix-fix modified the template or the excluded file"
echo "ok 2 - dfix-fix rewrites the three files and fails ($((SECONDS - t)) s)"

# 3. once the fixes are staged, the lint hook passes
t=$SECONDS
git add -A
"$PC" try-repo "$REPO" dfix --all-files > "$WORK/lint2.log" 2>&1 || { cat "$WORK/lint2.log"; fail "the dfix hook fails after the fixes"; }
grep -q '^dfix\.*Passed$' "$WORK/lint2.log" || { cat "$WORK/lint2.log"; fail "no 'dfix ... Passed' line"; }
echo "ok 3 - dfix passes after the fixes ($((SECONDS - t)) s)"

echo "pre-commit e2e: 3 passed, 0 failed in $((SECONDS - start)) s"
