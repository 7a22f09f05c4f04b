# test_build_faults.sh - the daemon dies in the middle of a build: hoist
# must exit 3 within 5 seconds with a clear message, never hang. Uses a
# second private engine of its own, so the shared one is never harmed.
. "$HOIST_SRC/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to start a private dockerd"
export HOIST_ENGINE_RUN=/run/hoist-fault-$$
export HOIST_ENGINE_STATE=$tmp/engine
engine=$HOIST_SRC/scripts/engine
cleanup_engine() {
  "$engine" down >/dev/null 2>&1 || true
  # a SIGKILLed dockerd leaves its containerd and shims behind
  pkill -KILL -f "$HOIST_ENGINE_RUN" 2>/dev/null || true
  sleep 0.5
  umount -R "$HOIST_ENGINE_STATE/data" 2>/dev/null || true
  rm -rf "$HOIST_ENGINE_RUN"
}
on_exit cleanup_engine
"$engine" up >/dev/null 2>&1 || fail "could not start the second private engine: $(tail -5 "$HOIST_ENGINE_STATE/dockerd.log")"
export DOCKER_HOST=unix://$HOIST_ENGINE_RUN/docker.sock
HOIST_TEST_DOCKER=docker "$HOIST_SRC/scripts/base-images" busybox >/dev/null 2>&1 || fail "busybox image"

cd "$tmp"
mkdir -p slow && printf 'FROM hoist-test/busybox:1\nRUN echo sleeping && sleep 120\n' > slow/Dockerfile
"$HOIST" build slow --network none --progress plain > slow.out 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q sleeping slow.out && break; sleep 0.1; done
grep -q sleeping slow.out || fail "the build never started: $(cat slow.out)"
start=$(date +%s%N)
kill -KILL "$(cat "$HOIST_ENGINE_RUN/dockerd.pid")"
set +e; wait $pid; rc=$?; set -e
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
assert_eq 3 "$rc" "exit code when the daemon dies ($(cat slow.out))"
[ "$elapsed_ms" -lt 5000 ] || fail "hoist took ${elapsed_ms} ms to notice the daemon died"
assert_contains "$(cat slow.out)" "dropped"
