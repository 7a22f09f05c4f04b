#!/usr/bin/env bash
# bench/lint/run.sh - how fast `hoist check` lints a corpus of Dockerfiles,
# as a ratio against dockerfilelint and dockerfile-utils (npm).
#
#   bench/lint/run.sh [HOIST] [N]
#
# Generates N (default 1000) Dockerfiles (gen_corpus.py, fixed seed), installs
# the two peers from the npm registry into bench/.work/lint/npm (once), then
# times, best of 3 wall clock, one process each over the whole corpus:
#   hoist             hoist check --no-context --no-shellcheck --format json FILES
#   hoist+shellcheck  the same with ShellCheck on every RUN (if installed)
#   dockerfilelint    its library in one node process (peers.js)
#   dockerfile-utils  its validator in one node process (peers.js)
# and prints the ratio of the faster peer's time to hoist's (target >= 20x).
# Then the way editors, pre-commit hooks and CI steps call a linter: one
# process per Dockerfile, over the first PERFILE files (default 200), each
# tool's CLI (hoist check, dockerfilelint, dockerfile-utils lint).
# Not part of the test suite.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
HOIST=${1:-$root/build/hoist}
N=${2:-1000}
work=$root/bench/.work/lint
mkdir -p "$work"
corpus=$work/corpus-$N
[ -d "$corpus" ] || python3 "$here/gen_corpus.py" "$corpus" "$N"

if [ ! -d "$work/npm/node_modules/dockerfilelint" ] || [ ! -d "$work/npm/node_modules/dockerfile-utils" ]; then
  echo "installing dockerfilelint and dockerfile-utils from npm into $work/npm ..." >&2
  mkdir -p "$work/npm"
  (cd "$work/npm" && npm install --no-audit --no-fund --silent dockerfilelint@1.8.0 dockerfile-utils@0.16.3 >&2)
fi

now() { date +%s.%N; }
best_of_3() {
  local best=999999 t0 t1 d
  for _ in 1 2 3; do
    t0=$(now); bash -c "$1" >/dev/null 2>&1 || true; t1=$(now)
    d=$(echo "$t1 - $t0" | bc -l)
    if (( $(echo "$d < $best" | bc -l) )); then best=$d; fi
  done
  printf '%.3f' "$best"
}

files=$(printf '%s ' "$corpus"/*.Dockerfile)
n_hoist=$("$HOIST" check --no-context --no-shellcheck --format json $files 2>/dev/null \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' || true)
echo "corpus: $N Dockerfiles; hoist reports $n_hoist findings" >&2
NODE_PATH="$work/npm/node_modules" node "$here/peers.js" dockerfilelint "$corpus" >&2
NODE_PATH="$work/npm/node_modules" node "$here/peers.js" dockerfile-utils "$corpus" >&2

t_hoist=$(best_of_3 "'$HOIST' check --no-context --no-shellcheck --format json $files")
t_dfl=$(best_of_3 "NODE_PATH='$work/npm/node_modules' node '$here/peers.js' dockerfilelint '$corpus'")
t_dfu=$(best_of_3 "NODE_PATH='$work/npm/node_modules' node '$here/peers.js' dockerfile-utils '$corpus'")
printf '%-18s %8ss\n' "hoist" "$t_hoist" "dockerfilelint" "$t_dfl" "dockerfile-utils" "$t_dfu"
if command -v shellcheck >/dev/null; then
  t_sc=$(best_of_3 "'$HOIST' check --no-context --format json $files")
  printf '%-18s %8ss  (ShellCheck on every RUN; the peers have no equivalent)\n' "hoist+shellcheck" "$t_sc"
fi
faster=$(echo "if ($t_dfl < $t_dfu) $t_dfl else $t_dfu" | bc -l)
ratio=$(echo "$faster / $t_hoist" | bc -l)
echo "one process over the whole corpus ($N files):"
printf 'ratio: faster peer / hoist = %.1fx (target >= 20x)\n' "$ratio"

PERFILE=${PERFILE:-200}
list=$(ls "$corpus"/*.Dockerfile | head -n "$PERFILE")
bin=$work/npm/node_modules/.bin
t0=$(now); for f in $list; do "$HOIST" check --no-context --no-shellcheck --format json "$f" >/dev/null 2>&1 || true; done; t1=$(now)
p_hoist=$(echo "$t1 - $t0" | bc -l)
t0=$(now); for f in $list; do "$bin/dockerfilelint" -o json "$f" >/dev/null 2>&1 || true; done; t1=$(now)
p_dfl=$(echo "$t1 - $t0" | bc -l)
t0=$(now); for f in $list; do "$bin/dockerfile-utils" lint "$f" >/dev/null 2>&1 || true; done; t1=$(now)
p_dfu=$(echo "$t1 - $t0" | bc -l)
echo "one process per file, $PERFILE files:"
printf '%-18s %8.3fs\n' "hoist" "$p_hoist" "dockerfilelint" "$p_dfl" "dockerfile-utils" "$p_dfu"
pfaster=$(echo "if ($p_dfl < $p_dfu) $p_dfl else $p_dfu" | bc -l)
printf 'ratio: faster peer / hoist = %.1fx (target >= 20x)\n' "$(echo "$pfaster / $p_hoist" | bc -l)"
