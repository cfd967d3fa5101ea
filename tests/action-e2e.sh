#!/usr/bin/env bash
# Test of the GitHub Action's steps (scripts/action.sh) outside GitHub (.ci/run runs it):
# `run` against a sample repository with the environment action.yml sets, and `cache-key`.
# `install` (cargo install --locked) is not run here: it is one cargo command.
#
# Usage: tests/action-e2e.sh            uses the debug build (cargo build --locked)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT=$REPO/scripts/action.sh
(cd "$REPO" && cargo build --locked --quiet --bin dfix)
DFIX=${CARGO_TARGET_DIR:-$REPO/target}/debug/dfix
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
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

echo "action e2e ($formats formats): $passed passed, 0 failed"
