#!/usr/bin/env bash
# test_context_engine.sh - differential test: hoist's build context against
# what the real daemon receives from `docker build` (classic builder).
#
# 200 generated cases (fixed seed) by default; each is a random tree and
# .dockerignore, listed by `hoist context --list` and built with
# `DOCKER_BUILDKIT=0 docker build --network none` (FROM hoist-test/busybox:1,
# COPY . /ctx); /ctx is copied out of a created container and compared.
#   CTX_SEED=N      change the seed (default 20240601)
#   CTX_CASES=17    rerun one case (or "0-49", or "3 17 40")
#   CTX_JOBS=3      cases run in parallel
. "$(dirname "$0")/lib.sh"
command -v docker >/dev/null || skip "docker CLI not installed"
command -v python3 >/dev/null || skip "python3 not installed"
docker image inspect hoist-test/busybox:1 >/dev/null 2>&1 || skip "hoist-test/busybox:1 missing (scripts/base-images)"

export CTX_SEED=${CTX_SEED:-20240601}
export CTX_WORK=$tmp
export HOIST DOCKER_HOST
cases=${CTX_CASES:-0-199}
list=()
for c in $cases; do
  if [[ $c == *-* ]]; then list+=($(seq "${c%-*}" "${c#*-}")); else list+=("$c"); fi
done
results=$tmp/results
printf '%s\n' "${list[@]}" |
  xargs -P "${CTX_JOBS:-3}" -n 1 "$HOIST_SRC/tests/integration/context/run_case.sh" >"$results" 2>&1 || true
failed=$(grep -c '^FAIL' "$results" || true)
passed=$(grep -c '^ok' "$results" || true)
note "context differential: $passed passed, $failed failed of ${#list[@]} (seed $CTX_SEED)"
if [ "$failed" != 0 ] || [ "$passed" != "${#list[@]}" ]; then
  grep -v '^ok' "$results" | head -150
  fail "hoist's context differs from what the daemon received"
fi
