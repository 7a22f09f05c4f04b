# test_bk_trace.sh - the BuildKit reply decoder (lib/build/bk_trace.c) on
# replies of the real engine: POST /build?version=2 with the context as a
# tar body (BuildKit, no session needed for local images), decoded by
# build/tests/bktrace/bkdecode. A multi-stage build, its cached rebuild
# and a failing RUN: steps at their Dockerfile lines (BuildKit's per-stage
# counter skips ENV), output lines per stream, durations, the image ID the
# engine reports, the failing step's line.
. "$HOIST_SRC/tests/integration/lib.sh"

decode=${HOIST_BKDECODE:-$(dirname "$HOIST")/tests/bktrace/bkdecode}
[ -x "$decode" ] || skip "no $decode (build the tree first)"
sock=${DOCKER_HOST#unix://}
[ "$sock" != "$DOCKER_HOST" ] || skip "needs a unix socket engine (DOCKER_HOST=$DOCKER_HOST)"
api=$(curl -fsS --unix-socket "$sock" -o /dev/null -D - http://engine/_ping | tr -d '\r' \
  | awk -F': ' 'tolower($1)=="api-version" {print $2}')
tag=hoist-it-bktrace:$$
on_exit "docker_cli rmi -f '$tag' '$tag-fail' >/dev/null 2>&1"

# bk_build DIR QUERY: POST the tar of DIR to /build?version=2&QUERY, decode it.
bk_build() {
  tar -C "$1" -cf "$tmp/ctx.tar" .
  curl -fsS --unix-socket "$sock" -H 'Content-Type: application/x-tar' --data-binary @"$tmp/ctx.tar" \
    "http://engine/v$api/build?version=2&networkmode=none&$2" -o "$tmp/reply.jsonl" \
    || fail "POST /build?version=2 failed"
  run_capture "$decode" "$1/Dockerfile" < "$tmp/reply.jsonl"
  [ "$rc" = 0 ] || fail "bkdecode exited $rc: $out $err"
}

mkdir -p "$tmp/ms"
cat > "$tmp/ms/Dockerfile" <<'DF'
FROM hoist-test/busybox:1 AS build
ENV WHO=hoist
WORKDIR /src
RUN echo "hello $WHO" > out.txt && cat out.txt && echo to-stderr >&2

FROM hoist-test/busybox:1
COPY --from=build /src/out.txt /out.txt
RUN cat /out.txt
DF

# 1. multi-stage, no cache: steps at their lines, output by stream, durations.
bk_build "$tmp/ms" "t=$tag&nocache=1"
assert_contains "$out" "step step=3/7 line=3 text=WORKDIR /src"
assert_contains "$out" "step step=4/7 line=4 text=RUN echo \"hello hoist\" > out.txt"
assert_contains "$out" "log step=4/7 line=4 stream=1 text=hello hoist"
assert_contains "$out" "log step=4/7 line=4 stream=2 text=to-stderr"
assert_contains "$out" "step step=6/7 line=7 text=COPY --from=build /src/out.txt /out.txt"
assert_contains "$out" "log step=7/7 line=8 stream=1 text=hello hoist"
echo "$out" | grep -q '^step-done step=4/7 line=4 duration=0\.[0-9]*[1-9][0-9]* ' \
  || echo "$out" | grep -q '^step-done step=4/7 line=4 duration=[1-9]' || fail "no duration for step 4: $out"
assert_contains "$out" "tagged step=0/0 line=0 text=$tag"
id=$(docker_cli image inspect -f '{{.Id}}' "$tag")
assert_contains "$out" "image-id step=0/0 line=0 id=$id"
assert_contains "$out" "result rc=0 image=$id"

# 2. the same again: every step from the cache, the same image.
bk_build "$tmp/ms" "t=$tag"
assert_contains "$out" "step-cached step=4/7 line=4"
assert_contains "$out" "step-cached step=7/7 line=8"
assert_not_contains "$out" "step-done step=4/7"
assert_not_contains "$out" "log step="
assert_contains "$out" "result rc=0 image=$id"

# 3. a failing RUN: the error at its line, the build failed (rc 1), no image.
mkdir -p "$tmp/fail"
printf 'FROM hoist-test/busybox:1\nLABEL a=b\nRUN echo before\nRUN echo failing >&2; \\\n    exit 7\n' \
  > "$tmp/fail/Dockerfile"
bk_build "$tmp/fail" "t=$tag-fail&nocache=1"
assert_contains "$out" "log step=4/4 line=4 stream=2 text=failing"
assert_contains "$out" "error step=4/4 line=4"
assert_contains "$out" "exit code: 7"
assert_contains "$out" "result rc=1 image= "
assert_contains "$out" "error_line=4"
