#!/usr/bin/env bash
# End-to-end test of the wheel-based pre-commit hook repository (packaging/pre-commit): made by
# scripts/make-precommit-repo, installed by the real pre-commit with no package index, the dfix
# wheel (and setuptools, the hook package's build backend) served from a local folder. Prints
# how long pre-commit took to install the hook.
# Usage: tests/precommit-wheel-e2e.sh   (.ci/run runs it after tests/wheel-e2e.sh)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
VENV=$REPO/target/precommit-venv
if ! "$VENV/bin/pre-commit" --version 2>/dev/null | grep -q '^pre-commit 4\.'; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check 'pre-commit>=4,<5'
fi
PC=$VENV/bin/pre-commit
wheel=$(ls target/wheels/dfix-*.whl 2>/dev/null | head -n1 || true)
[ -n "$wheel" ] || wheel=$(PROFILE=release scripts/build-wheel)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# the local folder pip installs from: the wheel, and setuptools for building the hook package
mkdir "$WORK/wheels"
cp "$wheel" "$WORK/wheels/"
PIP_FIND_LINKS= "$VENV/bin/pip" download -q --disable-pip-version-check --only-binary=:all: -d "$WORK/wheels" 'setuptools>=61'
scripts/make-precommit-repo "$version" "$WORK/hooks" >/dev/null

mkdir "$WORK/project" && cd "$WORK/project"
git init -q
printf 'FROM python:3.12-slim\nRUN pip install flask==3.1.0\n' > Dockerfile
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $WORK/hooks
    rev: v$version
    hooks:
      - id: dfix
YAML
git add -A
export PRE_COMMIT_HOME=$WORK/pre-commit-home NO_COLOR=1 PIP_NO_INDEX=1 PIP_FIND_LINKS=$WORK/wheels
t0=$(date +%s%N)
"$PC" install-hooks > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "pre-commit could not install the hook"; }
t=$((($(date +%s%N) - t0) / 10000000))
dfix=$(ls "$PRE_COMMIT_HOME"/repo*/py_env-*/bin/dfix 2>/dev/null | head -n1)
[ -x "$dfix" ] || fail "no dfix in the hook's environment"
"$dfix" --version | grep -q "^dfix $version" || fail "the hook's dfix is $("$dfix" --version)"
if "$PC" run dfix --all-files > "$WORK/run.log" 2>&1; then
  cat "$WORK/run.log"; fail "the hook passed a Dockerfile with findings"
fi
grep -q 'pip-without-cache-mount' "$WORK/run.log" || { cat "$WORK/run.log"; fail "the hook did not report pip-without-cache-mount"; }
git diff --quiet || fail "the lint hook changed a file"
printf 'precommit wheel e2e: ok (hook installed in %d.%02d s, no index, no Rust toolchain used)\n' $((t / 100)) $((t % 100))
