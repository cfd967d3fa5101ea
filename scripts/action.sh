#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), in one script so that tests/action-e2e.sh can
# run them outside GitHub.
#
#   action.sh cache-key   print `key=…` for $GITHUB_OUTPUT: the runner and a hash of the sources
#   action.sh install     cargo install --locked this checkout into $DFIX_ROOT, unless it is there
#   action.sh run         lint: annotations (--format github) on stdout, optionally a SARIF file
#
# Environment, as action.yml sets it:
#   GITHUB_ACTION_PATH   this checkout (default: the directory above this script)
#   DFIX_ROOT            install root (install); DFIX: the binary (run; default dfix on PATH)
#   INPUT_PATHS          files and directories, separated by whitespace (default .)
#   INPUT_ARGS           more dfix arguments, separated by whitespace (no quoting)
#   INPUT_SARIF_FILE     when not empty, also write a SARIF report there
#   GITHUB_STEP_SUMMARY  when set, the number of findings per rule is appended to it
#
# `run` exits with dfix's status from the annotated run: 0 clean, 1 findings, 2 an error.
set -euo pipefail
src=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi
}

case "${1:-}" in
cache-key)
  # everything the binary is built from: the manifest, the lock file, the code, the rule pages
  hash=$(cd "$src" && find Cargo.toml Cargo.lock src rules -type f | LC_ALL=C sort |
    while IFS= read -r f; do
      printf '%s\n' "$f"
      sha256 < "$f"
    done | sha256 | cut -c1-24)
  echo "key=dfix-${RUNNER_OS:-local}-${RUNNER_ARCH:-local}-$hash"
  ;;
install)
  : "${DFIX_ROOT:?DFIX_ROOT: where to install dfix}"
  if [ -x "$DFIX_ROOT/bin/dfix" ]; then
    echo "dfix: using the cached $("$DFIX_ROOT/bin/dfix" --version)"
  else
    cargo install --locked --path "$src" --root "$DFIX_ROOT"
  fi
  ;;
run)
  dfix=${DFIX:-dfix}
  # split on whitespace, without expanding globs: dfix does its own discovery
  set -f
  # shellcheck disable=SC2206
  paths=(${INPUT_PATHS:-})
  # shellcheck disable=SC2206
  args=(${INPUT_ARGS:-})
  set +f
  [ ${#paths[@]} -gt 0 ] || paths=(.)

  if [ -n "${INPUT_SARIF_FILE:-}" ]; then
    mkdir -p "$(dirname "$INPUT_SARIF_FILE")"
    rm -f "$INPUT_SARIF_FILE"
    # findings are reported by the annotated run below; an error there gives its status
    "$dfix" check --format sarif --output-file "$INPUT_SARIF_FILE" --exit-zero --quiet \
      ${args[@]+"${args[@]}"} -- "${paths[@]}" || true
    if [ ! -s "$INPUT_SARIF_FILE" ]; then
      echo "::error title=dfix::no SARIF report was written to $INPUT_SARIF_FILE"
      exit 2
    fi
  fi

  status=0
  "$dfix" check --format github ${args[@]+"${args[@]}"} -- "${paths[@]}" || status=$?

  # GitHub shows only the first annotations of a step; the summary counts them all
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    stats=$("$dfix" check --statistics --exit-zero --color never \
      ${args[@]+"${args[@]}"} -- "${paths[@]}" 2>/dev/null || true)
    {
      echo "### dfix"
      echo
      if [ -n "$stats" ]; then
        echo '```'
        echo "$stats"
        echo '```'
      elif [ "$status" -eq 0 ]; then
        echo "No problems found."
      else
        echo "dfix exited with status $status; see the step's log."
      fi
    } >> "$GITHUB_STEP_SUMMARY"
  fi
  exit "$status"
  ;;
*)
  echo "usage: $0 cache-key|install|run" >&2
  exit 2
  ;;
esac
