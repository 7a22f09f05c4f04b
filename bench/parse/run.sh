#!/usr/bin/env bash
# bench/parse/run.sh [HOIST] - Dockerfile parser benchmark against
# dockerfile-ast (npm), the parser behind the Dockerfile language server.
#
# 1,000 generated Dockerfiles (gen_files.py, fixed seed) are parsed:
#  - one process per file: `hoist parse --compact F >/dev/null` vs
#    `node peer_one.js F` (dockerfile-ast parses and walks the
#    instructions), same shell loop for both, best of 3; and parse_one.c,
#    the same work as `hoist parse --compact` in a binary that does not load
#    the engine's libraries (libcurl & co.), to show the parser's own cost;
#  - in one process, best of 3: bench_parse.c (linked with libhoist.a, full
#    parse with BuildKit's checks) vs peer_bulk.js, each file 20 times.
# Prints MB/s for each and the ratios. dockerfile-ast is installed with npm
# into bench/.work/ (not committed). Not part of `make test`.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
hoist=${1:-$src/build/hoist}
hoist=$(cd "$(dirname "$hoist")" && pwd)/$(basename "$hoist")
builddir=$(dirname "$hoist")
work=$src/bench/.work
files=$work/parse-files
mkdir -p "$work"

[ -x "$hoist" ] || { echo "bench: $hoist not built" >&2; exit 2; }
command -v node >/dev/null || { echo "bench: node not installed" >&2; exit 2; }
if [ ! -d "$work/node_modules/dockerfile-ast" ]; then
  (cd "$work" && npm install --no-audit --no-fund --silent dockerfile-ast >/dev/null)
fi
export DFAST_MODULE=$work/node_modules/dockerfile-ast
[ -f "$files/0999.Dockerfile" ] || python3 "$src/bench/parse/gen_files.py" "$files" 1000
ls "$files"/*.Dockerfile >"$work/parse-list"
count=$(wc -l <"$work/parse-list")
bytes=$(cat "$files"/*.Dockerfile | wc -c)

# in-process driver for hoist, linked statically
lib=$builddir/libhoist.a
[ -f "$lib" ] || { echo "bench: $lib not found (default_library=both)" >&2; exit 2; }
cc -O2 -std=gnu11 -I"$src/include" "$src/bench/parse/bench_parse.c" "$lib" \
  $(pkg-config --libs jansson libcurl libarchive libcrypto) -lpthread -lm -o "$work/bench_parse"

cc -O2 -std=gnu11 -I"$src/include" "$src/bench/parse/parse_one.c" "$lib" -Wl,--as-needed -ljansson \
  -o "$work/parse_one"

per_process() { # command... ; prints seconds for the whole list (best of 3)
  local best=999999 t0 t1 s
  for _ in 1 2 3; do
    t0=$(date +%s.%N)
    while IFS= read -r f; do "$@" "$f" >/dev/null; done <"$work/parse-list"
    t1=$(date +%s.%N)
    s=$(echo "$t1 - $t0" | bc -l)
    best=$(echo "if ($s < $best) $s else $best" | bc -l)
  done
  echo "$best"
}
best_of3() { # command... ; prints the best mb_per_s of 3 runs
  local best=0 v
  for _ in 1 2 3; do
    v=$("$@" <"$work/parse-list" | sed -E 's/.*mb_per_s=([0-9.]+).*/\1/')
    best=$(echo "if ($v > $best) $v else $best" | bc -l)
  done
  echo "$best"
}

echo "corpus: $count files, $bytes bytes (bench/parse/gen_files.py)"
h_proc=$(per_process "$hoist" parse --compact)
m_proc=$(per_process "$work/parse_one")
n_proc=$(per_process node "$src/bench/parse/peer_one.js")
h_bulk=$(best_of3 "$work/bench_parse" 20)
n_bulk=$(best_of3 node "$src/bench/parse/peer_bulk.js" 20)

printf '\n%-34s %12s %12s\n' "" "hoist" "dockerfile-ast"
printf '%-34s %11.2fs %11.2fs   ratio %.1fx\n' "1,000 files, one process each" "$h_proc" "$n_proc" "$(echo "$n_proc / $h_proc" | bc -l)"
printf '%-34s %11.2fs %11s   ratio %.1fx\n' "  same, parser-only binary" "$m_proc" "" "$(echo "$n_proc / $m_proc" | bc -l)"
printf '%-34s %10.1f MB/s %7.1f MB/s\n' "  throughput incl. process start" "$(echo "$bytes / 1000000 / $h_proc" | bc -l)" "$(echo "$bytes / 1000000 / $n_proc" | bc -l)"
printf '%-34s %10.1f MB/s %7.1f MB/s   ratio %.1fx\n' "in one process (parse only)" "$h_bulk" "$n_bulk" "$(echo "$h_bulk / $n_bulk" | bc -l)"
