#!/usr/bin/env bash
# Real BuildKit builds as the oracle of dfix's fixes (issue 12, item 1; issue 13).
#
# For each fixture in tests/real-builds/fixtures/<name>/ (a Dockerfile and its build context):
#   1. dfix --write and dfix --write --unsafe-fixes make the fixed files;
#   2. the original, the safe result and (when it differs) the unsafe result are built from an
#      empty build cache; every build must succeed;
#   3. the last fixed file is built again with a changed build arg (REV) so its RUNs execute
#      again; the tool's own log must show the cache was used (the fixture's `# reuse:` regex)
#      and `docker system df -v` must list every cache mount (exec.cachemount) with a size;
#   4. the fixture's `# gone:` paths must be non-empty in the original image and empty or
#      absent in the fixed one (the cache's files no longer ship in the image).
# A fixture states what dfix gets wrong today with `# expect: TAG — reason` lines; the harness
# passes when exactly those failures happen, and fails when one stops happening (remove the mark).
# TAGs: build-fails-orig, build-fails-safe, build-fails-unsafe, no-fix, cache-not-reused,
# cache-mount-empty, cache-in-image, image-broken, install-rerun (and vacuous-check: a fixture's check that
# cannot fail).
# Fixture keys (comment lines before FROM): `# reuse: REGEX` (in the rebuild's log),
# `# not-in-rebuild: REGEX`, `# filled: TARGET` (a non-empty cache mount there after the rebuild),
# `# gone: PATH` (empty or absent in the fixed image), `# works: COMMAND` (succeeds in the
# original image and must in the fixed one), `# needs: trixie`; for the layer cache,
# `# build-arg: NAME=VALUE` (every build), `# change: edit FILE` or `# change: build-arg
# NAME=VALUE` (between each file's build and its rebuild) and `# install: REGEX` (in the
# original's cold build and rebuild, and not in the fixed file's rebuild: tag install-rerun);
# `# dfix-args: ARGS` (dfix's options for the fixture, such as `--preview`).
#
# It installs docker.io and debootstrap when missing, runs its own dockerd on a private socket
# (stopped on exit) and keeps base images and the daemon's data under target/real-builds/.
# Usage: tests/real-builds/run.sh [FIXTURE...]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/tests/real-builds
STATE=$ROOT/target/real-builds
mkdir -p "$STATE"
T0=$(date +%s)

log() { printf '[real-builds %4ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }

# ---- tools ------------------------------------------------------------------------------------
need=()
[ -x /usr/bin/docker ] && [ -x /usr/sbin/dockerd ] || need+=(docker.io)
[ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Debian's client (20.10): a newer docker on PATH may insist on the buildx plugin
DOCKER=/usr/bin/docker

DFIX=${DFIX:-}
if [ -z "$DFIX" ]; then
  cargo build --locked --quiet --bin dfix
  DFIX=$ROOT/target/debug/dfix
fi

# ---- the daemon -------------------------------------------------------------------------------
RUN_DIR=$(mktemp -d /tmp/dfix-real-builds.XXXXXX)
export DOCKER_HOST=unix://$RUN_DIR/docker.sock
export DOCKER_BUILDKIT=1
export DOCKER_CONFIG=$RUN_DIR/client
DOCKERD_PID=
stop_daemon() {
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    kill -TERM "$DOCKERD_PID"
    for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$DOCKERD_PID" 2>/dev/null; then kill -KILL "$DOCKERD_PID"; fi
  fi
  # what dockerd leaves mounted under its exec root and its data root (it mounts the data root
  # on itself, which would keep the checkout from being deleted)
  for root in "$RUN_DIR" "$STATE/docker"; do
    [ -d "$root" ] || continue
    { grep -oE " $root(/[^ ]*)? " /proc/self/mounts || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  done
  if [ -d "$RUN_DIR" ]; then rm -rf "$RUN_DIR"; fi
}
trap stop_daemon EXIT
trap 'exit 130' INT TERM

driver=overlay2
mkdir -p "$STATE/docker"
if [ -f "$STATE/docker/.driver" ]; then driver=$(cat "$STATE/docker/.driver"); fi
start_daemon() {
  dockerd --data-root "$STATE/docker" --exec-root "$RUN_DIR/exec" --pidfile "$RUN_DIR/dockerd.pid" \
    -H "$DOCKER_HOST" --iptables=false --ip-masq=false --bridge=none --storage-driver="$1" \
    >"$RUN_DIR/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 100); do
    $DOCKER version >/dev/null 2>&1 && return 0
    kill -0 "$DOCKERD_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
if ! start_daemon "$driver"; then
  [ "$driver" = vfs ] && { cat "$RUN_DIR/dockerd.log" >&2; exit 1; }
  log "overlay2 failed, falling back to vfs"
  stop_daemon; RUN_DIR=$(mktemp -d /tmp/dfix-real-builds.XXXXXX); export DOCKER_HOST=unix://$RUN_DIR/docker.sock
  rm -rf "$STATE/docker"; mkdir -p "$STATE/docker"; driver=vfs
  start_daemon vfs || { cat "$RUN_DIR/dockerd.log" >&2; exit 1; }
fi
echo "$driver" >"$STATE/docker/.driver"
log "dockerd $($DOCKER version -f '{{.Server.Version}}') ($driver) on $DOCKER_HOST"

# ---- base images ------------------------------------------------------------------------------
# The mirror the machine's own apt uses.
MIRROR=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true) \
  | grep -oE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' | grep -oE 'https?://[^ ]+' | head -n1 || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
IMAGES_VERSION=1 # bump when a recipe below changes

# an image is reused while its label matches its recipe
have_image() { [ "$($DOCKER image inspect -f '{{index .Config.Labels "dfix.real-builds"}}' "$1" 2>/dev/null)" = "$2" ]; }

# debian:<suite> from debootstrap, with the machine's CA certificates and, as the official image
# has, /etc/apt/apt.conf.d/docker-clean
rootfs_tar() {
  local suite=$1 tar=$STATE/rootfs-$1.tar
  if [ ! -s "$tar" ]; then
    log "debootstrap $suite from $MIRROR"
    local dir=$STATE/rootfs-$suite
    if [ ! -e "$dir/.debootstrap-done" ]; then
      rm -rf "$dir"
      debootstrap --variant=minbase "$suite" "$dir" "$MIRROR" >"$STATE/debootstrap-$suite.log" 2>&1 \
        || { tail -n 20 "$STATE/debootstrap-$suite.log" >&2; return 1; }
      touch "$dir/.debootstrap-done"
    fi
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb
    # the file the official debian images ship (debuerreotype's docker-clean)
    cat >"$dir/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    mkdir -p "$dir/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/" 2>/dev/null || true
    rm -f "$dir/.debootstrap-done"
    tar -C "$dir" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$dir"
  fi
}
debian_image() {
  local suite=$1 tar=$STATE/rootfs-$1.tar
  have_image "debian:$suite" "$IMAGES_VERSION" && return 0
  if [ -n "${2:-}" ]; then wait "$2" || return 1; else rootfs_tar "$suite" || return 1; fi
  log "import debian:$suite"
  $DOCKER import --change "LABEL dfix.real-builds=$IMAGES_VERSION" --change 'CMD ["bash"]' "$tar" "debian:$suite" >/dev/null
}

# an image made from Debian's packages: derived_image TAG BASE PACKAGES EXTRA-DOCKERFILE-LINES
derived_image() {
  local tag=$1 base=$2 pkgs=$3 extra=$4 recipe
  recipe=$IMAGES_VERSION-$(printf '%s\n' "$base" "$pkgs" "$extra" | sha256sum | cut -c1-12)
  have_image "$tag" "$recipe" && return 0
  log "make $tag from $base ($pkgs)"
  printf 'FROM %s\nRUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates %s && rm -rf /var/lib/apt/lists/*\n%s\nLABEL dfix.real-builds=%s\n' \
    "$base" "$pkgs" "$extra" "$recipe" \
    | $DOCKER build --network host -q -t "$tag" - >/dev/null
}

# trixie's debootstrap runs while bookworm's images are made
trixie_job=
if ! have_image debian:trixie "$IMAGES_VERSION"; then rootfs_tar trixie & trixie_job=$!; fi
debian_image bookworm
# the derived images are made side by side (mostly downloads and dpkg)
jobs_=()
derived_image python:3.12 debian:bookworm "python3 python3-pip python3-venv" \
  "RUN ln -s /usr/bin/python3 /usr/local/bin/python && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED
# uv and poetry (requests' certifi) would not trust the machine's CA certificates otherwise
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt UV_NATIVE_TLS=1" &
jobs_+=($!)
# Debian's npm package pulls in some 300 node-* packages (over 3 minutes to install): npm itself
# comes from the npm registry instead, fetched by Debian's node (which trusts the system's CAs)
derived_image node:22 debian:bookworm "nodejs" \
  "RUN node -e 'fetch(process.argv[1]).then(r => r.arrayBuffer()).then(b => require(\"fs\").writeFileSync(\"/tmp/npm.tgz\", Buffer.from(b)))' https://registry.npmjs.org/npm/-/npm-10.9.2.tgz \\
 && mkdir /tmp/npm && tar -xzf /tmp/npm.tgz -C /tmp/npm && node /tmp/npm/package/bin/npm-cli.js install -g --no-audit --no-fund /tmp/npm.tgz \\
 && rm -rf /tmp/npm /tmp/npm.tgz /root/.npm
# the official image's user
RUN groupadd -g 1000 node && useradd -m -u 1000 -g node -s /bin/bash node" &
jobs_+=($!)
derived_image golang:1.22 debian:bookworm "golang-go" \
  "ENV GOPATH=/go PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go
WORKDIR /go" &
jobs_+=($!)
TRIXIE=0
if debian_image trixie "$trixie_job"; then
  TRIXIE=1
  # Debian bookworm's cargo (1.65) knows only the git index, which is not reachable here
  derived_image rust:1 debian:trixie "cargo rustc libc6-dev" \
    "ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
else
  log "debootstrap of trixie failed: the trixie and rust fixtures are skipped"
fi
for j in "${jobs_[@]}"; do wait "$j" || { log "a base image could not be made"; exit 1; }; done
$DOCKER builder prune -af >/dev/null
log "base images ready"

# ---- fixtures ---------------------------------------------------------------------------------
WORK=$STATE/work
mkdir -p "$WORK"
RESULTS=()
FAILED=0

meta() { sed -n "s/^# $2: *//p" "$1"; } # the values of `# KEY: value` lines
build() { # build NAME DOCKERFILE CONTEXT REV LOG [BUILD-ARG...] -> status; prints seconds
  local t rc=0 args=()
  for a in "${@:6}"; do args+=(--build-arg "$a"); done
  t=$(date +%s%N)
  grep -v '^# *syntax *=' "$2" >"$2.nosyntax"
  $DOCKER build --network host --progress=plain --build-arg "REV=$4" "${args[@]}" -f "$2.nosyntax" -t "$1" "$3" >"$5" 2>&1 || rc=$?
  t=$((($(date +%s%N) - t) / 100000000))
  printf '%d.%d' $((t / 10)) $((t % 10))
  return $rc
}

fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=($(ls "$HERE/fixtures"))
for name in "${fixtures[@]}"; do
  src=$HERE/fixtures/$name
  df=$src/Dockerfile
  if grep -q '^# needs: trixie' "$df" && [ $TRIXIE = 0 ]; then RESULTS+=("$name: skipped (no trixie)"); continue; fi
  w=$WORK/$name
  rm -rf "$w"; cp -r "$src" "$w"
  cp "$df" "$w/Dockerfile.orig"
  cp "$df" "$w/Dockerfile.safe"
  cp "$df" "$w/Dockerfile.unsafe"
  read -r -a dargs <<<"$(meta "$df" dfix-args)"
  "$DFIX" --quiet --write "${dargs[@]}" "$w/Dockerfile.safe" >/dev/null 2>&1 || true
  "$DFIX" --quiet --write --unsafe-fixes "${dargs[@]}" "$w/Dockerfile.unsafe" >/dev/null 2>&1 || true
  "$DFIX" --format concise "${dargs[@]}" "$w/Dockerfile.unsafe" >"$w/findings-after.txt" 2>&1 || true
  variants=(orig)
  fixed=orig # a file dfix leaves as it is is not built twice
  if ! cmp -s "$w/Dockerfile.orig" "$w/Dockerfile.safe"; then variants+=(safe); fixed=safe; fi
  if ! cmp -s "$w/Dockerfile.safe" "$w/Dockerfile.unsafe"; then variants+=(unsafe); fixed=unsafe; fi
  got=()
  if [ $fixed = orig ]; then got+=(no-fix); fi
  times=()
  mapfile -t bargs < <(meta "$df" build-arg)
  change=$(meta "$df" change)
  for v in "${variants[@]}"; do
    $DOCKER builder prune -af >/dev/null
    ctx=$w
    # a layer-cache fixture: each file is built in its own copy of the context, which the
    # change then edits before the rebuild
    if [ -n "$change" ]; then ctx=$w/ctx-$v; rm -rf "$ctx"; cp -r "$src" "$ctx"; fi
    if s=$(build "rb-$name-$v" "$w/Dockerfile.$v" "$ctx" 1 "$w/build-$v.log" "${bargs[@]}"); then
      times+=("$v ${s}s")
      if [ -n "$change" ]; then
        rargs=("${bargs[@]}")
        case $change in
          "edit "*) printf '# changed\n' >>"$ctx/${change#edit }" ;;
          "build-arg "*) rargs+=("${change#build-arg }") ;;
          *) log "$name: unknown change: $change"; got+=(bad-fixture) ;;
        esac
        if s=$(build "rb-$name-$v" "$w/Dockerfile.$v" "$ctx" 1 "$w/rebuild-$v.log" "${rargs[@]}"); then
          times+=("$v-rebuilt ${s}s")
        else
          times+=("$v-rebuilt FAILED ${s}s"); got+=("build-fails-$v")
        fi
      fi
    else
      times+=("$v FAILED ${s}s")
      [ $v = orig ] && got+=(build-fails-orig) || got+=("build-fails-$v")
      log "$name: $v failed: $(grep -m1 -E 'ERROR|error:' "$w/build-$v.log" || tail -n1 "$w/build-$v.log")"
    fi
  done
  # the layer cache: after the change, the original's rebuild runs the install again (the
  # finding is true) and the fixed file's does not (the fix keeps the install's layer)
  if [ -n "$change" ] && [[ ! " ${got[*]} " =~ " build-fails-" ]] && [ $fixed != orig ]; then
    while IFS= read -r re; do
      grep -qE -- "$re" "$w/build-orig.log" || { got+=(vacuous-check); log "$name: /$re/ is not in the original's cold build"; }
      grep -qE -- "$re" "$w/rebuild-orig.log" || { got+=(vacuous-check); log "$name: the original's rebuild does not run /$re/ again"; }
      if grep -qE -- "$re" "$w/rebuild-$fixed.log"; then got+=(install-rerun); log "$name: the fixed file's rebuild runs /$re/ again"; fi
    done < <(meta "$df" install)
  fi
  # the last fixed file again, its RUNs re-executed with the cache the first build filled (for
  # a fixture with cache checks: one of the other families' fixes only has to build and work)
  cachechecks=$(meta "$df" reuse; meta "$df" not-in-rebuild; meta "$df" filled)
  if [[ ! " ${got[*]} " =~ " build-fails-$fixed " ]] && [[ ! " ${got[*]} " =~ " no-fix " ]]; then
    if [ -z "$cachechecks" ]; then
      :
    elif s=$(build "rb-$name-$fixed" "$w/Dockerfile.$fixed" "$w" 2 "$w/rebuild.log"); then
      times+=("rebuild ${s}s")
      # each check must tell the two builds apart: a `reuse` line is absent from the cold build
      # of the same file, a `not-in-rebuild` line present in it (else the fixture is wrong)
      cold=$w/build-$fixed.log
      while IFS= read -r re; do
        if grep -qE -- "$re" "$cold"; then got+=(vacuous-check); log "$name: /$re/ is in the cold build too"; fi
        grep -qE -- "$re" "$w/rebuild.log" || { got+=(cache-not-reused); log "$name: rebuild log lacks /$re/"; }
      done < <(meta "$df" reuse)
      while IFS= read -r re; do
        grep -qE -- "$re" "$cold" || { got+=(vacuous-check); log "$name: /$re/ is not in the cold build either"; }
        if grep -qE -- "$re" "$w/rebuild.log"; then got+=(cache-not-reused); log "$name: rebuild log has /$re/"; fi
      done < <(meta "$df" not-in-rebuild)
      # the cache mounts the daemon holds: "<bytes> <target>" (the API's /system/df, which
      # `docker system df -v` prints without the targets)
      curl -s --unix-socket "${DOCKER_HOST#unix://}" http://docker/system/df | python3 -c '
import json, sys
for c in json.load(sys.stdin).get("BuildCache") or []:
    if c["Type"] == "exec.cachemount":
        print(c["Size"], c["Description"].removeprefix("cached mount ").split(" from exec ")[0])
' >"$w/cachemounts.txt"
      log "$name: cache mounts (bytes, target): $(paste -sd';' "$w/cachemounts.txt")"
      [ -s "$w/cachemounts.txt" ] || got+=(cache-mount-empty)
      while IFS= read -r target; do
        grep -qE "^[1-9][0-9]* $target\$" "$w/cachemounts.txt" || { got+=(cache-mount-empty); log "$name: the cache mount on $target is empty or absent"; }
      done < <(meta "$df" filled)
    else
      times+=("rebuild FAILED ${s}s"); got+=("build-fails-$fixed")
    fi
    while IFS= read -r path; do
      inorig=$($DOCKER run --rm "rb-$name-orig" sh -c "ls -A $path 2>/dev/null" </dev/null | head -n3 || true)
      infixed=$($DOCKER run --rm "rb-$name-$fixed" sh -c "ls -A $path 2>/dev/null" </dev/null | head -n3 || true)
      [ -n "$inorig" ] || log "$name: warning: $path is empty in the original image too"
      [ -z "$infixed" ] || { got+=(cache-in-image); log "$name: $path in the fixed image: $infixed"; }
    done < <(meta "$df" gone)
    while IFS= read -r cmd; do
      if ! $DOCKER run --rm "rb-$name-orig" sh -c "$cmd" </dev/null >/dev/null 2>&1; then
        got+=(vacuous-check); log "$name: \`$cmd\` fails in the original image"
      fi
      if ! out=$($DOCKER run --rm "rb-$name-$fixed" sh -c "$cmd" </dev/null 2>&1); then
        got+=(image-broken); log "$name: \`$cmd\` fails in the fixed image: $out"
      fi
    done < <(meta "$df" works)
  fi
  mapfile -t want < <(meta "$df" expect | sed 's/ .*//')
  got_s=$(printf '%s\n' "${got[@]}" | sed '/^$/d' | sort -u | paste -sd' ')
  want_s=$(printf '%s\n' "${want[@]}" | sed '/^$/d' | sort -u | paste -sd' ')
  if [ "$got_s" = "$want_s" ]; then
    verdict=ok; [ -n "$want_s" ] && verdict="ok (expected failure: $want_s)"
  else
    verdict="FAIL (expected: ${want_s:-none}; got: ${got_s:-none})"; FAILED=1
  fi
  RESULTS+=("$name: $verdict [${times[*]}]")
  log "$name: $verdict"
  $DOCKER image rm -f $($DOCKER image ls -q --filter "reference=rb-$name-*") >/dev/null 2>&1 || true
done
$DOCKER builder prune -af >/dev/null

echo
printf '%s\n' "${RESULTS[@]}"
log "done; work files in $WORK"
exit $FAILED
