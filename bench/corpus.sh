#!/usr/bin/env bash
# Lints the whole corpus with the release build, with the default rules and with --preview, and
# prints files/s and MB/s (best of N runs).
# Usage: bench/corpus.sh [runs]   (the corpus is read in place from $DFIX_CORPUS/files,
#                                 by default ../shared/corpus/files)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
corpus="$(cd "${DFIX_CORPUS:-../shared/corpus}/files" && pwd)"
cargo build --release --quiet
bin="$PWD/target/release/dfix"
files=$(find "$corpus" -type f | wc -l)
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
# the default rules (what a user runs), then every rule but the opt-in ones (`--preview`)
for mode in default preview; do
  flags=(--quiet --exit-zero --no-config --format concise)
  [ $mode = preview ] && flags+=(--preview)
  best=""
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    (cd "$corpus" && "$bin" "${flags[@]}" . >/dev/null)
    end=$(date +%s.%N)
    best=$(awk -v s="$start" -v e="$end" -v b="$best" 'BEGIN { t = e - s; print (b == "" || t < b) ? t : b }')
  done
  awk -v m="$mode" -v f="$files" -v b="$bytes" -v t="$best" -v r="$runs" -v c="$(nproc)" 'BEGIN {
    printf "%-8s files: %d  bytes: %d  best of %d: %.3f s  %.0f files/s  %.2f MB/s  (%d cores)\n", m, f, b, r, t, f / t, b / t / 1e6, c }'
done
