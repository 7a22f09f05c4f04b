# test_faults_proxy.sh - a faulty daemon: tests/integration/tools/
# fault_proxy.py sits on a unix socket between hoist and the private engine
# and breaks the one request a case aims at (truncated and reset replies,
# a reset in the middle of the upload, garbled and 100 MB JSON lines, HTTP
# 500/404/409 with empty, HTML, text and huge bodies, stalls, a reply that
# never ends). For doctor, build (--engine api, --engine cli, --engine
# buildkit through tests/session/bkbuild) and push, each case wants:
# the exit code of docs/design.md, a message naming what failed, an end
# within its time limit (docs/reliability-faults.md), no temp file left in
# TMPDIR, no child process left, and (tests/threads/stress failloop) no
# descriptor or memory growth over repeated faults in one process.
# test_build_faults.sh covers the daemon itself dying mid-build.
. "$HOIST_SRC/tests/integration/lib.sh"

command -v python3 >/dev/null || skip "needs python3"
upstream=${DOCKER_HOST#unix://}
[ -S "$upstream" ] || skip "the private engine is not on a unix socket"
stress=$HOIST_SRC/build/tests/threads/stress
bkbuild=$HOIST_SRC/build/tests/session/bkbuild
proxy_sock=$tmp/proxy.sock
proxy_pid=
tag=hoist-it-faults-$$
stop_proxy() {
  if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; fi
  proxy_pid=
}
on_exit stop_proxy
on_exit "docker_cli image rm -f $tag $tag-t0 >/dev/null 2>&1 || true"

# start_proxy SCENARIO MATCH [ARG]
start_proxy() {
  stop_proxy
  rm -f "$tmp/proxy.pid"
  python3 "$HOIST_SRC/tests/integration/tools/fault_proxy.py" --listen "$proxy_sock" --upstream "$upstream" \
    --scenario "$1" --match "$2" --arg "${3:-0}" --ready "$tmp/proxy.pid" 2>>"$tmp/proxy.log" &
  proxy_pid=$!
  for _ in $(seq 1 50); do [ -s "$tmp/proxy.pid" ] && return 0; sleep 0.1; done
  fail "the fault proxy did not start: $(cat "$tmp/proxy.log")"
}

# no process but the proxy may still talk to it (docker CLI children, ssh, ...)
assert_no_children() {
  local hits p
  hits=$(grep -lsxz "DOCKER_HOST=unix://$proxy_sock" /proc/[0-9]*/environ 2>/dev/null || true)
  for p in $hits; do
    p=${p#/proc/}; p=${p%/environ}
    [ "$p" = "$proxy_pid" ] && continue
    [ -d "/proc/$p" ] && fail "$1: process $p ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)) is still running"
  done
  return 0
}

# fault CASE WANT_RC LIMIT_S NEEDLE CMD...: runs CMD through the proxy
fault() {
  local name=$1 want=$2 limit=$3 needle=$4; shift 4
  local t=$tmp/tmpdir.$name start ms
  mkdir -p "$t"
  start=$(date +%s%N)
  run_capture env TMPDIR="$t" DOCKER_HOST="unix://$proxy_sock" timeout -s KILL $((limit + 5)) "$@"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$rc" != 137 ] || fail "$name: hung (killed after $((limit + 5)) s); stderr: $err"
  [ "$rc" = "$want" ] || fail "$name: exit $rc, expected $want; stderr: $err"
  [ "$ms" -le $((limit * 1000)) ] || fail "$name: took $ms ms, limit $limit s"
  assert_contains "$out$err" "$needle" "$name: output"
  [ ${#out} -lt 100000 ] || fail "$name: ${#out} bytes on stdout"
  [ -z "$(ls -A "$t")" ] || fail "$name: left in TMPDIR: $(ls -A "$t")"
  sleep 0.2
  assert_no_children "$name"
  note "$name: exit $rc in $ms ms"
}

# cancelled NAME CMD...: CMD hangs on a stalled daemon; SIGINT ends it with 130
cancelled() {
  local name=$1 pid start ms; shift
  start=$(date +%s%N)
  env DOCKER_HOST="unix://$proxy_sock" "$@" >"$tmp/$name.out" 2>&1 &
  pid=$!
  sleep 2
  kill -0 $pid 2>/dev/null || fail "$name: ended before the interrupt: $(cat "$tmp/$name.out")"
  kill -INT $pid
  for _ in $(seq 1 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
  if kill -0 $pid 2>/dev/null; then kill -KILL $pid; fail "$name: still running 5 s after SIGINT"; fi
  set +e; wait $pid; rc=$?; set -e
  assert_eq 130 "$rc" "$name: exit code after SIGINT ($(cat "$tmp/$name.out"))"
  sleep 0.2
  assert_no_children "$name"
  note "$name: exit 130 $(( ($(date +%s%N) - start) / 1000000 )) ms after start"
}

mkdir -p "$tmp/ctx"
printf 'FROM hoist-test/busybox:1\nCOPY big /big\nRUN echo built\n' >"$tmp/ctx/Dockerfile"
head -c 3000000 /dev/urandom >"$tmp/ctx/big"
build=("$HOIST" build "$tmp/ctx" -t "$tag" --network none --progress plain)
BUILD='^POST /(v[0-9.]+/)?build'

# --- doctor: every short call has a 10 s limit
start_proxy truncate '^GET .*/info' 64
fault doctor-truncate-info 3 5 "fail  server       the connection to the Docker daemon at unix://$proxy_sock dropped during GET /v" "$HOIST" doctor
start_proxy status-500-html '^GET .*/_ping'
fault doctor-500-html 3 5 "GET /_ping: daemon answered HTTP 500" "$HOIST" doctor
start_proxy status-404-empty '^GET .*/version'
fault doctor-404-version 0 5 "minimum ?" "$HOIST" doctor  # /version is optional: the ping gave the API version
start_proxy garbled '^GET .*/info'
fault doctor-garbled-info 3 5 "GET /info: the daemon's answer is not JSON" "$HOIST" doctor
start_proxy stall '^GET .*/_ping'
fault doctor-stall 3 14 "did not answer GET /_ping in time" "$HOIST" doctor

# --- build over the Engine API (classic builder)
api=("${build[@]}" --engine api)
start_proxy truncate "$BUILD"
fault api-truncate 3 10 "dropped during POST /v" "${api[@]}"
start_proxy reset-stream "$BUILD"
fault api-reset-stream 3 10 "dropped during POST /v" "${api[@]}"
start_proxy reset-upload "$BUILD" 65536
fault api-reset-upload 3 10 "bytes of the request body" "${api[@]}"
assert_contains "$err" "dropped during POST /v" "api-reset-upload"
start_proxy garbled "$BUILD"
fault api-garbled 3 10 "the daemon's reply ended in the middle of a message" "${api[@]}"
start_proxy huge-line "$BUILD" 100
fault api-100MB-line 1 20 "a message from the daemon exceeds 16 MiB" "${api[@]}"
for s in 500-empty:"HTTP 500: no message" 404-html:"HTTP 404: <html>" 409-text:"HTTP 409: something went wrong" \
         500-json:"HTTP 500: injected fault" 500-huge:"HTTP 500: xxxx"; do
  start_proxy "status-${s%%:*}" "$BUILD"
  fault "api-${s%%:*}" 1 10 "POST /build: daemon answered ${s#*:}" "${api[@]}"
done
start_proxy delay "$BUILD" 2
fault api-delay 0 60 "" "${api[@]}"
start_proxy stall-stream "$BUILD"
cancelled api-stall-stream "${api[@]}"
start_proxy endless "$BUILD"
cancelled api-endless "${api[@]}"
start_proxy stall "$BUILD"
cancelled api-stall "${api[@]}"

# --- build through the docker CLI: its own messages, hoist's exit code 1
cli=("${build[@]}" --engine cli)
start_proxy truncate "$BUILD"
fault cli-truncate 1 20 "unexpected EOF" "${cli[@]}"
assert_contains "$err" "hint: the connection to the daemon broke" "cli-truncate hint"
start_proxy status-500-text "$BUILD"
fault cli-500-text 1 20 "something went wrong" "${cli[@]}"
start_proxy stall "$BUILD"
cancelled cli-stall "${cli[@]}"

# --- the native BuildKit session (POST /build?version=2 beside /session)
if [ -x "$bkbuild" ]; then
  bk=("$bkbuild" -t "$tag" "$tmp/ctx")
  start_proxy truncate "$BUILD"
  fault bk-truncate 3 10 "dropped during POST /v" "${bk[@]}"
  start_proxy reset-stream "$BUILD"
  fault bk-reset-stream 3 10 "dropped during POST /v" "${bk[@]}"
  start_proxy status-500-text "$BUILD"
  fault bk-500-text 1 10 "POST /build: daemon answered HTTP 500" "${bk[@]}"
  start_proxy garbled "$BUILD"
  fault bk-garbled 3 10 "the daemon's reply ended in the middle of a message" "${bk[@]}"
  start_proxy huge-line "$BUILD" 100
  # the BuildKit engine treats an undecodable reply as the daemon's fault (bk_trace.c), as for garbled lines
  fault bk-100MB-line 3 20 "a message from the daemon exceeds 16 MiB" "${bk[@]}"
else
  note "bkbuild not built: native BuildKit cases skipped"
fi

# --- push (the daemon's /images/NAME/push stream)
if [ -n "${HOIST_REGISTRY:-}" ]; then
  ref=$HOIST_REGISTRY/hoist-it-faults/p$$:1
  docker_cli tag hoist-test/busybox:1 "$ref"
  on_exit "docker_cli image rm -f $ref >/dev/null 2>&1 || true"
  PUSH='^POST .*/push'
  start_proxy truncate "$PUSH"
  fault push-truncate 3 10 "push $ref: the connection to the Docker daemon" "$HOIST" push "$ref"
  start_proxy reset-stream "$PUSH"
  fault push-reset-stream 3 10 "push $ref: the connection to the Docker daemon" "$HOIST" push "$ref"
  start_proxy garbled "$PUSH"
  fault push-garbled 3 10 "push $ref: reading the daemon's reply" "$HOIST" push "$ref"
  start_proxy huge-line "$PUSH" 100
  fault push-100MB-line 1 20 "exceeds 16 MiB" "$HOIST" push "$ref"
  start_proxy status-500-empty "$PUSH"
  fault push-500-empty 1 10 "push $ref: daemon answered HTTP 500" "$HOIST" push "$ref"
  start_proxy status-409-huge "$PUSH"
  fault push-409-huge 1 10 "push $ref: daemon answered HTTP 409" "$HOIST" push "$ref"
  start_proxy stall-stream "$PUSH"
  cancelled push-stall-stream "$HOIST" push "$ref"
fi

# --- one process, repeated faults: descriptors and memory stay flat
if [ -x "$stress" ]; then
  for s in truncate reset-stream status-500-huge garbled; do
    start_proxy "$s" "$BUILD"
    mkdir -p "$tmp/fl-$s"
    run_capture env DOCKER_HOST="unix://$proxy_sock" timeout -s KILL 60 "$stress" failloop 8 --engine api "$tmp/fl-$s" "$tag"
    [ "$rc" = 0 ] || fail "repeated $s faults in one process: exit $rc: $err"
    note "failloop $s: $(grep measure <<<"$out" | tr '\n' ' ')"
  done
fi
stop_proxy
