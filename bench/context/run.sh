#!/usr/bin/env bash
# bench/context/run.sh - how fast and how lean `hoist context --tar -` is.
#
#   bench/context/run.sh [HOIST] [KEPT_MB]
#
# Generates the 50,000-file tree (gen_tree.py), warms the page cache, then
# times (best of 3, wall clock):
#   floor   tar -cf - <the kept files, in hoist's order> | cat >/dev/null
#   hoist   hoist context --tar - | cat >/dev/null
#   docker  DOCKER_BUILDKIT=0 docker build (FROM-only Dockerfile): the docker
#           CLI walks, filters and sends the same context to the daemon
#           (needs DOCKER_HOST pointing at a running engine; skipped if not)
# and peak RSS of hoist via /usr/bin/time -v, for KEPT_MB and for 10x KEPT_MB.
# Then floor and hoist again on a second tree (gen_small.py): 10,000 small
# kept files under 200 directories, 1,500 excluded by **/*.log-style
# patterns, where per-file costs dominate. Best of 5 there, and CPU time
# (user+sys) as well as wall time: on a shared machine the wall clock of a
# 0.2 s run is mostly the scheduler. Prints ratios. Not part of `make test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
HOIST=${1:-$here/../../build/hoist}
KEPT_MB=${2:-100}
work=$(mktemp -d "${TMPDIR:-/tmp}/hoist-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
best_of_3() { # command string -> best wall seconds
  local best=999999 t0 t1 d
  for _ in 1 2 3; do
    t0=$(now); bash -c "$1" >/dev/null 2>&1; t1=$(now)
    d=$(echo "$t1 - $t0" | bc -l)
    if (( $(echo "$d < $best" | bc -l) )); then best=$d; fi
  done
  printf '%.3f' "$best"
}
peak_rss_kib() { # command string -> KiB
  /usr/bin/time -v bash -c "$1" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}'
}

echo "generating tree (50,000 files, ${KEPT_MB} MB kept)..." >&2
python3 "$here/gen_tree.py" "$work/ctx" "$KEPT_MB"
ctx=$work/ctx
"$HOIST" context "$ctx" --list 2>/dev/null | grep -v '/$' >"$work/kept.txt"
echo "kept entries: $(wc -l <"$work/kept.txt"), bytes: $(du -sb --apparent-size "$ctx/src" "$ctx/assets" | awk '{s+=$1} END {print s}')" >&2
tar -cf - -C "$ctx" . >/dev/null # warm the cache (all files)

floor=$(best_of_3 "tar -cf - -C '$ctx' --no-recursion -T '$work/kept.txt' | cat >/dev/null")
hoist=$(best_of_3 "'$HOIST' context '$ctx' --tar - | cat >/dev/null")
hoist_list=$(best_of_3 "'$HOIST' context '$ctx' --list >/dev/null")
rss=$(peak_rss_kib "'$HOIST' context '$ctx' --tar - | cat >/dev/null")
printf 'floor  tar -cf - kept files | cat      %8ss\n' "$floor"
printf 'hoist  context --tar - | cat            %8ss   ratio to floor %.2fx\n' "$hoist" "$(echo "$hoist / $floor" | bc -l)"
printf 'hoist  context --list                   %8ss\n' "$hoist_list"
printf 'hoist  peak RSS (%4d MB kept)          %8s KiB\n' "$KEPT_MB" "$rss"

# second tree: many small files, regexp patterns
python3 "$here/gen_small.py" "$work/small"
"$HOIST" context "$work/small" --list 2>/dev/null | grep -v '/$' >"$work/small-kept.txt"
tar -cf - -C "$work/small" . >/dev/null
best_of_5_cpu() { # command string -> "wall cpu" (best of each)
  local bw=999999 bc=999999 line w c
  for _ in 1 2 3 4 5; do
    /usr/bin/time -o "$work/time.txt" -f '%e %U %S' bash -c "$1" >/dev/null 2>&1
    line=$(tail -1 "$work/time.txt")
    w=$(echo "$line" | awk '{print $1}'); c=$(echo "$line" | awk '{print $2 + $3}')
    if (( $(echo "$w < $bw" | bc -l) )); then bw=$w; fi
    if (( $(echo "$c < $bc" | bc -l) )); then bc=$c; fi
  done
  echo "$bw $bc"
}
read -r sf_w sf_c < <(best_of_5_cpu "tar -cf - -C '$work/small' --no-recursion -T '$work/small-kept.txt' | cat >/dev/null")
read -r sh_w sh_c < <(best_of_5_cpu "'$HOIST' context '$work/small' --tar - | cat >/dev/null")
printf 'small  floor tar | cat   wall %6ss cpu %6ss\n' "$sf_w" "$sf_c"
printf 'small  hoist --tar - | cat wall %6ss cpu %6ss   ratio wall %.2fx cpu %.2fx\n' "$sh_w" "$sh_c" \
  "$(echo "$sh_w / $sf_w" | bc -l)" "$(echo "$sh_c / ($sf_c + 0.001)" | bc -l)"
rm -rf "$work/small"

if [ -n "${DOCKER_HOST:-}" ] && docker info >/dev/null 2>&1 && docker image inspect hoist-test/busybox:1 >/dev/null 2>&1; then
  dockert=$(best_of_3 "DOCKER_BUILDKIT=0 docker build -q --network none '$ctx'")
  printf 'docker build (classic, FROM only)       %8ss   hoist is %.2fx faster\n' "$dockert" "$(echo "$dockert / $hoist" | bc -l)"
else
  echo "docker: no engine (DOCKER_HOST unset or down); comparison skipped"
fi

if [ "${BENCH_SCALE:-1}" = 1 ]; then
  rm -rf "$ctx"
  python3 "$here/gen_tree.py" "$ctx" $((KEPT_MB * 10))
  rss10=$(peak_rss_kib "'$HOIST' context '$ctx' --tar - | cat >/dev/null")
  printf 'hoist  peak RSS (%4d MB kept)          %8s KiB\n' $((KEPT_MB * 10)) "$rss10"
fi
