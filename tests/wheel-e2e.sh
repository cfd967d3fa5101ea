#!/usr/bin/env bash
# The wheel, as a user gets it: built by scripts/build-wheel, installed into a fresh virtual
# environment with no index (no network), then `dfix --version` and a lint of examples/ from
# the installed script; and its size is checked (it holds one binary).
set -euo pipefail
cd "$(dirname "$0")/.."
wheel=$(PROFILE=${PROFILE:-release} scripts/build-wheel)
size=$(stat -c %s "$wheel")
echo "wheel: $wheel ($size bytes)"
# one stripped binary, compressed: a few MB; more means something else got packed
[ "$size" -gt 1000000 ] && [ "$size" -lt 15000000 ] || { echo "unexpected wheel size: $size" >&2; exit 1; }
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
PIP_FIND_LINKS= "$venv/bin/pip" install --quiet --no-index "$wheel"
version=$("$venv/bin/dfix" --version)
case $version in "dfix $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)"*) ;; *) echo "bad version: $version" >&2; exit 1 ;; esac
# the examples lint as the README shows: findings, exit status 1, no crash
set +e
"$venv/bin/dfix" --no-config --format concise examples/ >"$venv/out.txt" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$venv/out.txt" >&2; echo "dfix on examples/ exited $rc, not 1" >&2; exit 1; }
grep -q 'examples/python-app/Dockerfile:.*pip-without-cache-mount' "$venv/out.txt" || { cat "$venv/out.txt" >&2; exit 1; }
echo "wheel e2e: ok ($version; $(wc -l <"$venv/out.txt") lines of findings on examples/)"
