#!/usr/bin/env bash
# test_context_oracle.sh - differential test of the context against the
# docker CLI (issue #14): random trees and .dockerignore files (negations,
# '**', escapes, classes, and the Go regexp operators Docker passes through)
# through `hoist context --tar` and through `DOCKER_BUILDKIT=0 docker build`
# against tools/fake_engine.py, which saves the upload. Same entries in the
# same order, or both refuse the ignore file (hoist with exit 4).
#   HOIST_ORACLE_CASES (default 200, about 45 s), HOIST_ORACLE_SEED (14)
# A failing case prints its number; replay it with ORACLE_CASE=N
# (tools/ignore_oracle.py).
. "$HOIST_SRC/tests/integration/lib.sh"

docker=/usr/local/bin/docker
[ -x "$docker" ] || docker=$(command -v docker || true)
[ -n "$docker" ] || skip "no docker CLI for the oracle"

make_public_dir pub
chmod 777 "$pub"
python3 "$HOIST_SRC/tests/integration/tools/fake_engine.py" "$pub/engine.sock" "$pub" 2>"$tmp/engine.log" &
engine_pid=$!
on_exit "kill $engine_pid 2>/dev/null"
for ((i = 0; i < 100; i++)); do
  curl -sf --unix-socket "$pub/engine.sock" http://x/_ping >/dev/null 2>&1 && break
  sleep 0.1
done

mkdir -p "$tmp/work"
python3 "$HOIST_SRC/tests/integration/tools/ignore_oracle.py" "$HOIST" "$docker" \
  "$pub/engine.sock" "$pub" "$tmp/work" "${HOIST_ORACLE_SEED:-14}" "${HOIST_ORACLE_CASES:-200}" ||
  fail "hoist and $docker disagree (cases above)"
