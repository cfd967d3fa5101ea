#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml), in one script so that tests/action-e2e.sh can
# run them outside GitHub.
#
#   action.sh cache-key   print `key=…` for $GITHUB_OUTPUT: the runner and a hash of the sources
#   action.sh install     install dfix into $DFIX_ROOT/bin, unless it is there: the release
#                         binary when the action's ref is this version's tag, else compiled
#   action.sh run         lint: annotations (--format github) on stdout, optionally a SARIF file
#
# Environment, as action.yml sets it:
#   GITHUB_ACTION_PATH   this checkout (default: the directory above this script)
#   DFIX_ROOT            install root (install); DFIX: the binary (run; default dfix on PATH)
#   ACTION_REF           the ref the action was used at (install; the runner's checkout path
#                        …/_actions/OWNER/REPO/REF wins when this script is there): at
#                        `v<version>`, where version is Cargo.toml's (or the moving tag of its
#                        major or minor version, `v1`/`v1.2`, pointing at that release), it
#                        downloads that release's archive for RUNNER_OS and RUNNER_ARCH from
#                        $DFIX_RELEASE_URL/v<version>/ (default: GitHub's releases of OWNER/REPO,
#                        else of ACTION_REPOSITORY, else of dfix-dev/dfix), checked against its
#                        SHA256SUMS. Another ref, a platform without a binary or a failed
#                        download: a notice, and `cargo install --locked` of this checkout. A checksum that does not
#                        match (or is missing) or a binary that does not report the version
#                        is an error (status 2, nothing installed).
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

# `install`: the release archive scripts/release-archive makes for the runner's platform
# (the release workflow publishes them), or nothing
release_target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) echo x86_64-unknown-linux-musl ;;
  Linux/ARM64) echo aarch64-unknown-linux-musl ;;
  macOS/X64) echo x86_64-apple-darwin ;;
  macOS/ARM64) echo aarch64-apple-darwin ;;
  Windows/X64) echo x86_64-pc-windows-msvc ;;
  esac
}

# `install`: the release binary of this version into $DFIX_ROOT/bin. Returns 1, after a
# notice saying why, when there is none to use (then the caller compiles); exits 2 when the
# download is not what the release's SHA256SUMS says or does not run as this version.
# (Called as a condition, so `set -e` does not apply in it: every step is checked.)
download_release() {
  local version ref path target asset base err expected actual exe bin reported
  version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$src/Cargo.toml" | head -n1)
  # The runner checks the action out to …/_actions/OWNER/REPO/REF (on Windows with
  # backslashes): that names the ref and the repository even where github.action_ref and
  # github.action_repository do not (empty, or the outer action's when this one is used
  # inside another composite action). Elsewhere (a local checkout) the variables tell.
  local repository=${ACTION_REPOSITORY:-dfix-dev/dfix}
  ref=${ACTION_REF:-}
  path=${src//\\//}
  case $path in
  */_actions/*/*/*)
    ref=${path##*/}
    path=${path%/*}
    repository=${path%/*}
    repository=${repository##*/}/${path##*/}
    ;;
  esac
  # the release tag, or a moving tag of its major or minor version (`v1`, `v1.2`) that points
  # at it: at those, the checkout is that release's
  case $ref in
  "v$version" | "v${version%%.*}" | "v${version%.*}") ;;
  *)
    notice "compiling dfix: the action's ref (${ref:-none}) is not the release tag v$version"
    return 1
    ;;
  esac
  [ -n "$version" ] || { notice "compiling dfix: no version in $src/Cargo.toml"; return 1; }
  target=$(release_target)
  if [ -z "$target" ]; then
    notice "compiling dfix: no release binary for ${RUNNER_OS:-this OS} ${RUNNER_ARCH:-}"
    return 1
  fi
  exe=dfix
  asset=dfix-$version-$target.tar.gz
  if [ "${RUNNER_OS:-}" = Windows ]; then
    exe=dfix.exe
    asset=dfix-$version-$target.zip
  fi
  # the releases of the repository the action comes from (a fork's own)
  base=${DFIX_RELEASE_URL:-https://github.com/$repository/releases/download}/v$version
  # (global: the EXIT trap needs it)
  tmp=$(mktemp -d) || die "cannot make a temporary directory"
  trap 'rm -rf "${tmp:?}"' EXIT
  for f in SHA256SUMS "$asset"; do
    if ! err=$(curl -fsSL --retry 3 -o "$tmp/$f" "$base/$f" 2>&1); then
      notice "compiling dfix: could not download $base/$f (${err//$'\n'/ })"
      return 1
    fi
  done
  # sha256sum's format: `HASH  NAME`, or `HASH *NAME` (binary mode)
  expected=$(awk -v n="$asset" '$2 == n || $2 == "*" n { print $1; exit }' "$tmp/SHA256SUMS") ||
    die "cannot read $base/SHA256SUMS"
  [ -n "$expected" ] || die "$asset is not in $base/SHA256SUMS: not installed"
  actual=$(sha256 < "$tmp/$asset" | cut -d' ' -f1) || die "cannot hash $asset"
  [ "$actual" = "$expected" ] ||
    die "$base/$asset has SHA-256 $actual, SHA256SUMS says $expected: not installed"
  mkdir "$tmp/x" || die "cannot unpack $asset"
  case $asset in
  *.zip)
    if command -v unzip >/dev/null; then
      (cd "$tmp/x" && unzip -q "../$asset")
    else
      powershell -NoProfile -Command "Expand-Archive -LiteralPath '$(cygpath -w "$tmp/$asset")' -DestinationPath '$(cygpath -w "$tmp/x")'"
    fi
    ;;
  *) tar -xzf "$tmp/$asset" -C "$tmp/x" ;;
  esac || die "cannot unpack $asset: not installed"
  bin=$tmp/x/dfix-$version-$target/$exe
  reported=$("$bin" --version 2>&1)
  case $reported in
  "dfix $version" | "dfix $version "*) ;;
  *) die "the release binary in $asset reports \"${reported//$'\n'/ }\", not dfix $version: not installed" ;;
  esac
  if ! { mkdir -p "$DFIX_ROOT/bin" && cp "$bin" "$DFIX_ROOT/bin/$exe.part" &&
    mv -f "$DFIX_ROOT/bin/$exe.part" "$DFIX_ROOT/bin/$exe"; }; then
    rm -f "$DFIX_ROOT/bin/$exe.part"
    die "cannot install dfix into $DFIX_ROOT/bin"
  fi
  echo "dfix: installed the release binary $asset ($reported)"
}
notice() { echo "::notice title=dfix::$*"; }
die() {
  echo "::error title=dfix::$*"
  exit 2
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
  elif ! download_release; then
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
