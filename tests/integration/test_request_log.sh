#!/usr/bin/env bash
# Diagnostics on a real engine: `hoist -v build` (and HOIST_LOG=debug push)
# log every Engine API request and reply and each build stream line to
# stderr, with the registry credentials, the build arguments and identity
# tokens never printed; stdout is untouched. The colour codes a RUN
# command prints reach the output only when colour is on: with stderr not
# a terminal or NO_COLOR, they are stripped. hoist version reports the
# libraries, lazily loaded ones as not loaded. hoist help falls back to
# --help without man.
. "$(dirname "$0")/lib.sh"

tag=hoist-test/reqlog-$$:1
on_exit "docker_cli rmi -f '$tag' >/dev/null 2>&1"
mkdir -p "$tmp/ctx"
cat >"$tmp/ctx/Dockerfile" <<'DF'
FROM hoist-test/busybox:1
ARG TOKEN
RUN printf '\033[31mred-output\033[0m plain-output\n'
DF
# credentials that would be sent (X-Registry-Config) and must not be logged
export DOCKER_CONFIG=$tmp/docker
mkdir -p "$DOCKER_CONFIG"
auth=$(printf 'alice:hunter2-pass' | base64)
cat >"$DOCKER_CONFIG/config.json" <<JSON
{"auths": {"${HOIST_REGISTRY}": {"auth": "$auth"},
           "registry.example.com": {"auth": "$auth", "identitytoken": "idtok-5ecret"}}}
JSON

"$HOIST" -v build "$tmp/ctx" --engine api -t "$tag" --network none --no-cache --progress plain \
  --build-arg TOKEN=build-arg-5ecret >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; fail "build failed"; }
cat "$tmp/err"
for secret in hunter2-pass "$auth" idtok-5ecret build-arg-5ecret; do
  ! grep -qF -- "$secret" "$tmp/err" "$tmp/out" || fail "secret '$secret' was printed"
done
grep -qE '^hoist: -> GET /v1\.[0-9]+/_ping|^hoist: -> HEAD /_ping|^hoist: -> GET /_ping' "$tmp/err" || fail "no ping logged"
grep -qE '^hoist: -> POST /v1\.[0-9]+/build\?.*buildargs=<redacted>' "$tmp/err" || fail "build request not logged (redacted)"
grep -qE '^hoist: ->    X-Registry-Config: <redacted>$' "$tmp/err" || fail "X-Registry-Config not shown redacted"
grep -qE '^hoist: <- 200 POST /v1\.[0-9]+/build\?.* \([0-9.]+ s\)$' "$tmp/err" || fail "build reply (status, time) not logged"
grep -qE '^hoist: <- \{"stream":"Step 1/3 : FROM hoist-test/busybox:1' "$tmp/err" || fail "stream lines not logged"
# stdout is for results only; the build output on stderr has no escapes
[ ! -s "$tmp/out" ] || { cat "$tmp/out"; fail "stdout not empty"; }
grep -q 'red-output plain-output' "$tmp/err" || fail "RUN output missing"
! grep -q $'\033' "$tmp/err" || fail "ANSI escapes with stderr not a terminal"
# without -v: no log at all
"$HOIST" build "$tmp/ctx" --engine api -t "$tag" --network none --progress plain >/dev/null 2>"$tmp/err2"
! grep -q '^hoist: [-<]' "$tmp/err2" || fail "log without -v"
# NO_COLOR on a terminal: escapes stripped too (script gives a pty)
if command -v script >/dev/null; then
  NO_COLOR=1 script -qec "'$HOIST' build '$tmp/ctx' --engine api -t '$tag' --network none --no-cache --progress plain" /dev/null \
    >"$tmp/tty" 2>&1 || true
  grep -q 'plain-output' "$tmp/tty" || { cat "$tmp/tty"; fail "tty build output"; }
  ! grep -q $'\033\\[31m' "$tmp/tty" || fail "NO_COLOR: escapes on a terminal"
fi

# HOIST_LOG=debug on push: X-Registry-Auth redacted
docker_cli tag "$tag" "$HOIST_REGISTRY/hoist-test/reqlog-$$:1"
on_exit "docker_cli rmi -f '$HOIST_REGISTRY/hoist-test/reqlog-$$:1' >/dev/null 2>&1"
HOIST_LOG=debug "$HOIST" push "$HOIST_REGISTRY/hoist-test/reqlog-$$:1" --progress plain >"$tmp/pout" 2>"$tmp/perr" || true
cat "$tmp/perr"
grep -qE '^hoist: ->    X-Registry-Auth: <redacted>$' "$tmp/perr" || fail "push: X-Registry-Auth not shown redacted"
grep -qE '^hoist: -> POST /v1\.[0-9]+/images/.*/push' "$tmp/perr" || fail "push request not logged"
for secret in hunter2-pass "$auth"; do
  ! grep -qF -- "$secret" "$tmp/perr" "$tmp/pout" || fail "push: secret printed"
done

# doctor's own client logs too (hoist_doctor_options.log)
"$HOIST" -v doctor >/dev/null 2>"$tmp/derr" || true
grep -qE '^hoist: <- 200 GET /v1\.[0-9]+/info ' "$tmp/derr" || { cat "$tmp/derr"; fail "doctor -v"; }

# hoist version: components, lazy ones not loaded unless --load
"$HOIST" version --json >"$tmp/v.json"
python3 - "$tmp/v.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["soname"] == "libhoist.so.1", v
c = {x["name"]: x for x in v["components"]}
for n in ("libhoist", "jansson", "openssl", "nghttp2", "protobuf-c", "libcurl", "libarchive", "libyaml", "re2"):
    assert n in c, n
assert c["libcurl"]["lazy"] and not c["libcurl"]["loaded"] and c["libcurl"]["version"] is None, c["libcurl"]
assert c["jansson"]["version"] and c["jansson"]["loaded"]
assert c["openssl"]["version"] and c["openssl"]["loaded"] and not c["openssl"]["lazy"], c["openssl"]  # libcrypto: SHA-256, base64
assert c["re2"]["lazy"] and not c["re2"]["loaded"], c["re2"]
assert "request-log" in v["features"]
PY
"$HOIST" version --json --load | python3 -c '
import json, sys
c = {x["name"]: x for x in json.load(sys.stdin)["components"]}
assert c["libcurl"]["version"] and c["libcurl"]["soname"].startswith("libcurl"), c["libcurl"]
assert c["libarchive"]["version"], c["libarchive"]
assert c["libyaml"]["version"] and c["re2"]["version"], c'
"$HOIST" version | grep -q 'libcurl .*not loaded' || fail "version: libcurl not reported as not loaded"

# hoist help: man page in the tree; --help without man
if command -v man >/dev/null; then
  MANPAGER=cat MANWIDTH=80 "$HOIST" help build | grep -q 'hoist-build' || fail "hoist help build"
fi
mkdir -p "$tmp/noman"
PATH=$tmp/noman "$HOIST" help check | grep -q '^usage: hoist check' || fail "help without man"
expect_exit 2 "$HOIST" help nosuch
for c in $("$HOIST" help | sed -n 's/^commands://p'); do
  [ -f "$HOIST_SRC/docs/hoist-$c.1" ] || fail "no man page docs/hoist-$c.1"
done
echo "request log: ok"
