#!/usr/bin/env bash
# bench/lint/perfile.sh - `hoist check` with its default options, one
# process per Dockerfile (how editors, pre-commit hooks and CI steps call a
# linter), against dockerfilelint's CLI over the same files.
#
#   bench/lint/perfile.sh [HOIST] [FILES]
#
# Takes the first FILES (default 100) Dockerfiles of bench/lint's corpus,
# each alone in its own directory (so the default context checks see a
# one-file context, as in a small project), and times one pass each of:
#   hoist, no cache      HOIST_NO_CACHE=1 hoist check DIR/Dockerfile (ShellCheck every RUN)
#   hoist, cold cache    hoist check DIR/Dockerfile with an empty cache directory
#                        at the start of the pass (a first CI run)
#   hoist, warm cache    the same pass again (repeated runs on unchanged files)
#   dockerfilelint       dockerfilelint -o json DIR/Dockerfile
# and prints dockerfilelint's time over each hoist pass (targets: >= 20x
# for a first run, >= 50x for repeated runs). Needs bench/lint/run.sh's npm
# install (it runs it when missing) and shellcheck. Not part of the tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
HOIST=${1:-$root/build/hoist}
FILES=${2:-100}
work=$root/bench/.work/lint
corpus=$work/corpus-1000
command -v shellcheck >/dev/null || { echo "perfile: needs shellcheck (apt install shellcheck)" >&2; exit 2; }
[ -d "$corpus" ] || python3 "$here/gen_corpus.py" "$corpus" 1000
if [ ! -x "$work/npm/node_modules/.bin/dockerfilelint" ]; then
  mkdir -p "$work/npm"
  (cd "$work/npm" && npm install --no-audit --no-fund --silent dockerfilelint@1.8.0 dockerfile-utils@0.16.3 >&2)
fi
dfl=$work/npm/node_modules/.bin/dockerfilelint

dirs=$work/perfile-$FILES
rm -rf "$dirs" && mkdir -p "$dirs"
i=0
for f in $(ls "$corpus"/*.Dockerfile | head -n "$FILES"); do
  i=$((i + 1)); mkdir -p "$dirs/$i"; cp "$f" "$dirs/$i/Dockerfile"
done
cache=$(mktemp -d)
trap 'rm -rf "$cache" "$dirs"' EXIT

now() { date +%s.%N; }
pass() { # pass CMD...: seconds for CMD DIR/Dockerfile over every directory
  local t0 t1 d
  t0=$(now)
  for d in "$dirs"/*/; do "$@" "$d/Dockerfile" >/dev/null 2>&1 || true; done
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}
t_nocache=$(HOIST_NO_CACHE=1 XDG_CACHE_HOME=$cache pass "$HOIST" check)
t_cold=$(XDG_CACHE_HOME=$cache pass "$HOIST" check)
t_warm=$(XDG_CACHE_HOME=$cache pass "$HOIST" check)
t_dfl=$(pass "$dfl" -o json)
echo "one process per file, default options, $FILES files (load: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-22s %8.3fs  %6.1f ms/file  dockerfilelint/hoist = %5.1fx\n' \
  "hoist, no cache" "$t_nocache" "$(echo "$t_nocache * 1000 / $FILES" | bc -l)" "$(echo "$t_dfl / $t_nocache" | bc -l)" \
  "hoist, cold cache" "$t_cold" "$(echo "$t_cold * 1000 / $FILES" | bc -l)" "$(echo "$t_dfl / $t_cold" | bc -l)" \
  "hoist, warm cache" "$t_warm" "$(echo "$t_warm * 1000 / $FILES" | bc -l)" "$(echo "$t_dfl / $t_warm" | bc -l)"
printf '%-22s %8.3fs  %6.1f ms/file\n' "dockerfilelint" "$t_dfl" "$(echo "$t_dfl * 1000 / $FILES" | bc -l)"
