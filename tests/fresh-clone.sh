#!/usr/bin/env bash
# A user's first step: clone the repository where nothing is beside it (no ../shared), fetch the
# dependencies, then run the README's test command with the network cut off (`unshare -n`, as
# root). Every test binary must run and pass; nothing may be installed or downloaded.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cmd="$(bash "$repo/scripts/readme-test-command")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git clone --quiet "$repo" "$tmp/dfix"
cd "$tmp/dfix"
[ ! -e ../shared ] || { echo "fresh-clone: ../shared exists beside the clone" >&2; exit 1; }
unset DFIX_CORPUS
cargo fetch --locked
echo "fresh-clone: $cmd --offline, in $tmp/dfix, without network"
unshare --net -- bash -c "$cmd --offline" 2>&1 | tee "$tmp/log"
# the run covered every test binary: one result line per binary (the lib, the bin, each tests/*.rs
# and the doctests), none failed
binaries=$(( $(ls tests/*.rs | wc -l) + 3 ))
results=$(grep -c '^test result: ok\.' "$tmp/log" || true)
[ "$results" -eq "$binaries" ] || {
  echo "fresh-clone: $results test binaries passed, $binaries expected" >&2
  exit 1
}
