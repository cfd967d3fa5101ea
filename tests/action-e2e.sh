#!/usr/bin/env bash
# Test of the GitHub Action's steps (scripts/action.sh) outside GitHub (.ci/run runs it):
# `run` against a sample repository with the environment action.yml sets, `cache-key`, and
# `install` against a fake release: the debug binary packed by scripts/release-archive (as the
# release workflow packs it) with a SHA256SUMS, served by python3 -m http.server on 127.0.0.1.
# The compiling fallback of `install` is not run (minutes): a `cargo` test double first on PATH
# records that it was called, and fails.
#
# Usage: tests/action-e2e.sh            uses the debug build (cargo build --locked)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT=$REPO/scripts/action.sh
(cd "$REPO" && cargo build --locked --quiet --bin dfix)
DFIX=${CARGO_TARGET_DIR:-$REPO/target}/debug/dfix
BIN=$DFIX # the binary itself, even when DFIX becomes the wrapper below
WORK=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "${WORK:?}"
}
trap cleanup EXIT
passed=0

fail() {
  echo "FAIL: $*"
  exit 1
}

# Until the output formats are merged, `--format github|sarif` are stood in for by
# concise|json, through a wrapper; with them, the real binary runs and is checked in full.
if "$DFIX" check --help | grep -q 'sarif'; then
  formats=real
else
  formats=stand-in
  mkdir "$WORK/bin"
  cat > "$WORK/bin/dfix" <<EOF
#!/usr/bin/env bash
a=()
for x in "\$@"; do
  case "\$x" in github) a+=(concise) ;; sarif) a+=(json) ;; *) a+=("\$x") ;; esac
done
exec "$DFIX" "\${a[@]}"
EOF
  chmod +x "$WORK/bin/dfix"
  DFIX=$WORK/bin/dfix
  echo "note: this dfix has no --format github/sarif yet; they stand in as concise/json"
fi

# The sample repository: one bad Dockerfile, one clean Containerfile, something else.
P=$WORK/project
mkdir -p "$P/docker"
printf 'FROM python:3.12-slim\nRUN pip install flask==3.1.0\n' > "$P/docker/Dockerfile"
printf '# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n' > "$P/Containerfile"
printf '# sample\n' > "$P/README.md"
git -C "$P" init -q

# run the action's `run` step as the runner would: in the workspace, with the inputs as env
action() { # PATHS ARGS SARIF
  (
    cd "$P"
    env -i PATH="$PATH" HOME="$HOME" GITHUB_ACTIONS=true GITHUB_WORKSPACE="$P" \
      GITHUB_ACTION_PATH="$REPO" GITHUB_STEP_SUMMARY="$WORK/summary.md" RUNNER_TEMP="$WORK" \
      DFIX="$DFIX" INPUT_PATHS="$1" INPUT_ARGS="$2" INPUT_SARIF_FILE="$3" \
      "$SCRIPT" run
  ) > "$WORK/out" 2> "$WORK/err"
}
expect_status() {
  [ "$1" = "$2" ] || { cat "$WORK/out" "$WORK/err"; fail "$3: exit status $1, expected $2"; }
}
annotation_re() { # PATH LINE RULE
  if [ $formats = real ]; then
    echo "^::(error|warning|notice) file=$1,line=$2[,:].*$3"
  else
    echo "^$1:$2:[0-9]+: [a-z]+\[$3\]"
  fi
}

# 1. defaults plus SARIF: findings give status 1, an annotation, the report and the summary
rm -f "$WORK/summary.md"
status=0
action "." "" "reports/dfix.sarif" || status=$?
expect_status $status 1 "bad Dockerfile"
grep -Eq "$(annotation_re docker/Dockerfile 2 pip-without-cache-mount)" "$WORK/out" ||
  { cat "$WORK/out" "$WORK/err"; fail "no annotation for docker/Dockerfile:2"; }
grep -q Containerfile "$WORK/out" && fail "the clean Containerfile was annotated"
[ -s "$P/reports/dfix.sarif" ] || fail "no SARIF file written"
if [ $formats = real ]; then
  python3 - "$P/reports/dfix.sarif" <<'EOF' || fail "the SARIF report is not what upload-sarif needs"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["version"] == "2.1.0", s["version"]
results = s["runs"][0]["results"]
assert [r["ruleId"] for r in results] == ["pip-without-cache-mount"], results
loc = results[0]["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"].endswith("docker/Dockerfile"), loc
assert loc["region"]["startLine"] == 2, loc
EOF
fi
grep -q 'pip-without-cache-mount' "$WORK/summary.md" || { cat "$WORK/summary.md"; fail "no step summary"; }
passed=$((passed + 1))

# 2. several paths (newline-separated, as a YAML block gives them) and extra args
rm -f "$WORK/summary.md"
status=0
action "Containerfile
docker/Dockerfile" "--ignore   pip-without-cache-mount --fail-level warning" "" || status=$?
expect_status $status 0 "args and paths"
[ ! -s "$WORK/out" ] || { cat "$WORK/out"; fail "annotations although the rule is ignored"; }
grep -q 'No problems found' "$WORK/summary.md" || { cat "$WORK/summary.md"; fail "summary of a clean run"; }
passed=$((passed + 1))

# 3. a path that does not exist: status 2, and no SARIF run hides it
status=0
action "nothing-here" "" "" || status=$?
expect_status $status 2 "missing path"
grep -q 'nothing-here' "$WORK/err" || { cat "$WORK/err"; fail "the error does not name the path"; }
passed=$((passed + 1))

# 4. a glob character is passed to dfix as it is, not expanded by the shell
status=0
action "*" "" "" || status=$?
expect_status $status 2 "a literal *"
passed=$((passed + 1))

# 5. cache-key: stable, and it changes with the sources
k1=$("$SCRIPT" cache-key)
k2=$(RUNNER_OS=Linux RUNNER_ARCH=X64 "$SCRIPT" cache-key)
[ "$k1" = "$("$SCRIPT" cache-key)" ] || fail "cache-key is not stable"
[[ $k2 =~ ^key=dfix-Linux-X64-[0-9a-f]{24}$ ]] || fail "cache-key: $k2"
cp -R "$REPO/Cargo.toml" "$REPO/Cargo.lock" "$REPO/src" "$REPO/rules" "$REPO/scripts" "$WORK/"
k3=$(GITHUB_ACTION_PATH=$WORK "$SCRIPT" cache-key)
[ "$k3" = "$k1" ] || fail "cache-key depends on where the checkout is"
echo "// changed" >> "$WORK/src/lib.rs"
k4=$(GITHUB_ACTION_PATH=$WORK "$SCRIPT" cache-key)
[ "$k4" != "$k1" ] || fail "cache-key does not change with the sources"
passed=$((passed + 1))

# install: a fake release of this version, served over HTTP. Folders under srv/, each one a
# DFIX_RELEASE_URL: good/ (as the release workflow makes it), bad/ (one SHA256SUMS entry
# corrupted), missing/ (the asset is not in SHA256SUMS), empty/ (no release: 404).
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -n1)
linux=x86_64-unknown-linux-musl
windows=x86_64-pc-windows-msvc
rel=$WORK/srv/good/v$version
mkdir -p "$rel" "$WORK/srv/bad/v$version" "$WORK/srv/missing/v$version" "$WORK/srv/empty"
# the packaging of the release workflow: from the binary, and from a wheel holding it as
# maturin packs a `bindings = "bin"` wheel (the workflow packs the wheel's binary)
python3 "$REPO/scripts/release-archive" "$BIN" "$linux" "$rel" > "$WORK/archive"
[ "$(cat "$WORK/archive")" = "$rel/dfix-$version-$linux.tar.gz" ] ||
  fail "release-archive printed $(cat "$WORK/archive")"
python3 - "$BIN" "$WORK/dfix-$version-py3-none-any.whl" "$version" <<'EOF'
import sys, zipfile
binary, wheel, version = sys.argv[1:]
with zipfile.ZipFile(wheel, "w") as z:
    z.write(binary, f"dfix-{version}.data/scripts/dfix.exe")
    z.writestr(f"dfix-{version}.dist-info/METADATA", f"Name: dfix\nVersion: {version}\n")
EOF
python3 "$REPO/scripts/release-archive" "$WORK/dfix-$version-py3-none-any.whl" "$windows" "$rel" >/dev/null
tar -tzf "$rel/dfix-$version-$linux.tar.gz" | LC_ALL=C sort > "$WORK/list"
d=dfix-$version-$linux
printf '%s\n' "$d/" "$d/CHANGELOG.md" "$d/LICENSE" "$d/README.md" "$d/dfix" | cmp -s - "$WORK/list" ||
  { cat "$WORK/list"; fail "the tar.gz does not hold $d/ with dfix and the three documents"; }
unzip -Z1 "$rel/dfix-$version-$windows.zip" | LC_ALL=C sort > "$WORK/list"
d=dfix-$version-$windows
printf '%s\n' "$d/" "$d/CHANGELOG.md" "$d/LICENSE" "$d/README.md" "$d/dfix.exe" | cmp -s - "$WORK/list" ||
  { cat "$WORK/list"; fail "the zip does not hold $d/ with dfix.exe and the three documents"; }
# SHA256SUMS as the release workflow writes it: every file of the release
(cd "$rel" && sha256sum -- * > SHA256SUMS)
cp "$rel"/dfix-* "$WORK/srv/bad/v$version/"
cp "$rel"/dfix-* "$WORK/srv/missing/v$version/"
# bad: the Linux archive's hash with its first digit changed; missing: no line for it
awk -v n="dfix-$version-$linux.tar.gz" '$2 == n { $1 = (substr($1, 1, 1) == "0" ? "1" : "0") substr($1, 2); $0 = $1 "  " $2 } { print }' \
  "$rel/SHA256SUMS" > "$WORK/srv/bad/v$version/SHA256SUMS"
cmp -s "$rel/SHA256SUMS" "$WORK/srv/bad/v$version/SHA256SUMS" && fail "SHA256SUMS was not corrupted"
grep -v -- "-$linux.tar.gz\$" "$rel/SHA256SUMS" > "$WORK/srv/missing/v$version/SHA256SUMS"
# other/: a well-formed release whose binary says it is another version
mkdir -p "$WORK/srv/other/v$version"
printf '#!/bin/sh\necho "dfix 0.0.0-other"\n' > "$WORK/other-dfix"
python3 "$REPO/scripts/release-archive" "$WORK/other-dfix" "$linux" "$WORK/srv/other/v$version" >/dev/null
(cd "$WORK/srv/other/v$version" && sha256sum -- * > SHA256SUMS)

python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$WORK/srv" > "$WORK/http.log" 2>&1 &
server=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\) .*/\1/p' "$WORK/http.log")
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$WORK/http.log"; fail "the HTTP server did not start"; }
  sleep 0.1
done
[ -n "$port" ] || { cat "$WORK/http.log"; fail "the HTTP server gave no port"; }

# the cargo test double: records its arguments, compiles nothing, fails
mkdir -p "$WORK/fake"
# shellcheck disable=SC2016 # expanded by the double, not here
printf '#!/usr/bin/env bash\nprintf "%%s\\n" "$*" >> "$CARGO_LOG"\necho "cargo: test double, not compiling" >&2\nexit 101\n' \
  > "$WORK/fake/cargo"
chmod +x "$WORK/fake/cargo"

# run the action's `install` step as the runner would, with the fake cargo first on PATH
# (GITHUB_ACTION_PATH: $ACTION_PATH when set, else this checkout)
install_step() { # REF RELEASE(good|bad|missing|empty|other) [RUNNER_OS]
  rm -rf "${WORK:?}/root" "${WORK:?}/cargo.log"
  status=0
  (
    cd "$P"
    env -i PATH="$WORK/fake:$PATH" HOME="$HOME" GITHUB_ACTIONS=true GITHUB_ACTION_PATH="${ACTION_PATH:-$REPO}" \
      RUNNER_OS="${3:-Linux}" RUNNER_ARCH=X64 RUNNER_TEMP="$WORK" DFIX_ROOT="$WORK/root" \
      ACTION_REF="$1" DFIX_RELEASE_URL="http://127.0.0.1:$port/$2" CARGO_LOG="$WORK/cargo.log" \
      "$SCRIPT" install
  ) > "$WORK/out" 2> "$WORK/err" || status=$?
}
show() { cat "$WORK/out" "$WORK/err"; }
no_cargo() {
  [ ! -e "$WORK/cargo.log" ] || { show; fail "$1: cargo ran: $(cat "$WORK/cargo.log")"; }
}
compiled() { # what the fallback must have done: said why, run cargo install, left no binary
  [ "$status" = 101 ] || { show; fail "$1: exit status $status, expected the test cargo's 101"; }
  grep -q "^::notice title=dfix::compiling dfix: $2" "$WORK/out" ||
    { show; fail "$1: no notice saying \"$2\""; }
  grep -qxF "install --locked --path $REPO --root $WORK/root" "$WORK/cargo.log" 2>/dev/null ||
    { show; fail "$1: cargo install --locked --path <checkout> was not tried"; }
  [ -z "$(ls -A "$WORK/root/bin" 2>/dev/null)" ] || fail "$1: something was installed: $(ls "$WORK/root/bin")"
}
refused() { # a download that does not match SHA256SUMS: an error, nothing installed
  [ "$status" = 2 ] || { show; fail "$1: exit status $status, expected 2"; }
  grep -q "^::error title=dfix::.*$2" "$WORK/out" || { show; fail "$1: no ::error saying \"$2\""; }
  [ -z "$(ls -A "$WORK/root/bin" 2>/dev/null)" ] || fail "$1: something was installed: $(ls "$WORK/root/bin")"
  no_cargo "$1"
}

# 6. at the release tag: the release's binary is installed, unchanged, and nothing compiles;
# a second run uses it (as the cached one)
install_step "v$version" good
[ "$status" = 0 ] || { show; fail "release download: exit status $status"; }
cmp -s "$BIN" "$WORK/root/bin/dfix" || { show; fail "the installed dfix is not the released binary"; }
grep -q "installed the release binary dfix-$version-$linux.tar.gz" "$WORK/out" || { show; fail "no install message"; }
no_cargo "release download"
(
  cd "$P"
  env -i PATH="$WORK/fake:$PATH" DFIX_ROOT="$WORK/root" GITHUB_ACTION_PATH="$REPO" CARGO_LOG="$WORK/cargo.log" \
    "$SCRIPT" install
) > "$WORK/out" 2>&1 || { cat "$WORK/out"; fail "second install"; }
grep -q "using the cached dfix $version" "$WORK/out" || { cat "$WORK/out"; fail "the installed dfix was not reused"; }
no_cargo "second install"
grep -q "GET /good/v$version/dfix-$version-$linux.tar.gz HTTP/1.[01]\" 200" "$WORK/http.log" ||
  fail "the archive was not fetched from the server"
passed=$((passed + 1))

# 6b. at the moving tag of the release's major and minor version (`v1`, `v1.2`): the same
for moving in "v${version%%.*}" "v${version%.*}"; do
  install_step "$moving" good
  [ "$status" = 0 ] || { show; fail "release download at $moving: exit status $status"; }
  cmp -s "$BIN" "$WORK/root/bin/dfix" || { show; fail "at $moving, the installed dfix is not the released binary"; }
  no_cargo "release download at $moving"
done
passed=$((passed + 1))

# 7. the same on Windows: the .zip, installed as dfix.exe (the test's binary runs here)
install_step "v$version" good Windows
[ "$status" = 0 ] || { show; fail "Windows release download: exit status $status"; }
cmp -s "$BIN" "$WORK/root/bin/dfix.exe" || { show; fail "the installed dfix.exe is not the released binary"; }
no_cargo "Windows release download"
passed=$((passed + 1))

# 8. a SHA256SUMS entry that does not match the archive: an error, not a fallback
install_step "v$version" bad
refused "corrupted SHA256SUMS" "SHA-256 [0-9a-f]*, SHA256SUMS says"
passed=$((passed + 1))

# 9. the archive missing from SHA256SUMS: an error too
install_step "v$version" missing
refused "asset not in SHA256SUMS" "dfix-$version-$linux.tar.gz is not in"
passed=$((passed + 1))

# 10. a release binary that does not report this version: an error too
install_step "v$version" other
refused "wrong version" "reports \"dfix 0.0.0-other\", not dfix $version"
passed=$((passed + 1))

# 11. the runner's checkout of the action, …/_actions/OWNER/REPO/REF, names the ref: with no
# ACTION_REF (the runner left github.action_ref empty)
mkdir -p "$WORK/_actions/dfix-dev/dfix"
ln -s "$REPO" "$WORK/_actions/dfix-dev/dfix/v$version"
ACTION_PATH=$WORK/_actions/dfix-dev/dfix/v$version install_step "" good
[ "$status" = 0 ] || { show; fail "ref from the action's path: exit status $status"; }
cmp -s "$BIN" "$WORK/root/bin/dfix" || { show; fail "ref from the action's path: not the released binary"; }
no_cargo "ref from the action's path"
# ... and the path wins over an ACTION_REF that is not this action's (inside another composite
# action, github.action_ref is the outer one's)
ACTION_PATH=$WORK/_actions/dfix-dev/dfix/v$version install_step "v9.9.9" good
[ "$status" = 0 ] || { show; fail "ref from the action's path over ACTION_REF: exit status $status"; }
cmp -s "$BIN" "$WORK/root/bin/dfix" || { show; fail "ref from the action's path over ACTION_REF: not the released binary"; }
no_cargo "ref from the action's path over ACTION_REF"
passed=$((passed + 1))

# 12. another ref (a branch, a commit, another version's tag): compiled, saying why
install_step main good
compiled "ref main" "the action's ref (main) is not the release tag v$version"
install_step "" good
compiled "no ref" "the action's ref (none) is not the release tag v$version"
install_step "v$version.1" good
compiled "another tag" "the action's ref (v$version.1) is not the release tag v$version"
passed=$((passed + 1))

# 13. the release tag, but no such release on the server (404): compiled, saying why
install_step "v$version" empty
compiled "no release" "could not download http://127.0.0.1:$port/empty/v$version/SHA256SUMS .*404"
passed=$((passed + 1))

# 14. a platform without a release binary: compiled, saying why
install_step "v$version" good FreeBSD
compiled "no binary for the platform" "no release binary for FreeBSD X64"
passed=$((passed + 1))

echo "action e2e ($formats formats): $passed passed, 0 failed"
