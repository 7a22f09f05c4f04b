#!/usr/bin/env bash
# run_case.sh - one case of the context differential test.
#   run_case.sh CASE   (env: HOIST, DOCKER_HOST, CTX_SEED, CTX_WORK)
# Generates case CASE, lists it with hoist, builds it with the docker CLI's
# classic builder (COPY . /ctx), copies /ctx out of a created (never
# started) container and compares. Prints "ok CASE" or the differences.
set -uo pipefail
n=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$CTX_WORK/case-$n
rm -rf "$work"
mkdir -p "$work"
python3 "$here/gen_case.py" "$CTX_SEED" "$n" "$work" || { echo "FAIL $n: generator"; exit 1; }
"$HOIST" context "$work/ctx" --list >"$work/hoist.list" 2>"$work/hoist.err"
hrc=$?
id=$(DOCKER_BUILDKIT=0 docker build -q --no-cache --rm --network none "$work/ctx" 2>"$work/build.err")
brc=$?
if [ $hrc != 0 ] || [ $brc != 0 ]; then
  [ -n "$id" ] && docker rmi -f "$id" >/dev/null 2>&1
  if [ $hrc != 0 ] && [ $brc != 0 ]; then echo "ok $n (both refused)"; rm -rf "$work"; exit 0; fi
  echo "FAIL $n: hoist exit $hrc, docker build exit $brc"
  sed 's/^/  hoist: /' "$work/hoist.err"; sed 's/^/  docker: /' "$work/build.err"
  exit 1
fi
# copy /ctx out of a created (never started) container; retry once when the
# engine hiccups under load, and say so rather than report a false diff
fetch() {
  local cid
  cid=$(docker create "$id" 2>"$work/create.err") || return 1
  docker cp "$cid:/ctx" - 2>"$work/cp.err" | LC_ALL=C.UTF-8 tar --quoting-style=literal -t >"$work/docker.list"
  local rc=$?
  docker rm -f "$cid" >/dev/null 2>&1
  return $rc
}
fetch || { sleep 1; fetch; } || {
  docker rmi -f "$id" >/dev/null 2>&1
  echo "FAIL $n: could not copy /ctx out of the built image"; cat "$work/create.err" "$work/cp.err"; exit 1; }
docker rmi -f "$id" >/dev/null 2>&1
if python3 "$here/compare.py" "$work/hoist.list" "$work/docker.list" >"$work/diff"; then
  echo "ok $n"
  rm -rf "$work"
else
  echo "FAIL $n (seed $CTX_SEED; rerun: CTX_CASES=$n tests/integration/run context_engine)"
  sed 's/^/  .dockerignore| /' "$work/ctx/.dockerignore"
  cat "$work/diff"
  exit 1
fi
