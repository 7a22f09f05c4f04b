#!/usr/bin/env bash
# test_parse_engine.sh - differential test: hoist's Dockerfile parser against
# the engine's classic builder (DOCKER_BUILDKIT=0), over the parser corpus
# (tests/data/dockerfile).
#
# The classic builder parses and checks the whole file before it runs
# anything, so:
#  - a file hoist rejects is sent as is; the engine must reject it too
#    ("dockerfile parse error line N: ...") on the same line N, before any
#    step runs;
#  - a file hoist accepts is built. `Step i/N : KEYWORD ...` gives the
#    engine's instruction count N on the first step and each step's keyword
#    as it goes; both must equal hoist's. To keep builds cheap and offline,
#    every FROM line is rewritten in place to a local helper image (busybox
#    where /bin/sh is /bin/true, so shell-form RUN succeeds at once); lines
#    keep their numbers (extra lines of a multi-line FROM become comments).
#    A build may stop early (e.g. COPY of a file that is not in the
#    context): the steps it printed are compared, and N always is.
# Files with heredocs are skipped (the classic builder predates them), as is
# any file whose only disagreement is a feature the classic builder of this
# engine does not have (BuildKit-only flags such as RUN --mount, COPY
# --link/--chmod, several ARGs on one line): those are listed as "version
# difference", never silently passed.
#   PARSE_JOBS=4        files checked in parallel
#   PARSE_ONLY=NAME     only corpus files whose name contains NAME
. "$(dirname "$0")/lib.sh"
command -v docker >/dev/null || skip "docker CLI not installed"
command -v jq >/dev/null || skip "jq not installed"
docker image inspect hoist-test/busybox:1 >/dev/null 2>&1 || skip "hoist-test/busybox:1 missing (scripts/base-images)"

corpus=$HOIST_SRC/tests/data/dockerfile
helper=hoist-test/parse-sh:$$
mkdir -p "$tmp/helper"
printf 'FROM hoist-test/busybox:1\nRUN ln -sf /bin/true /bin/sh\n' >"$tmp/helper/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q --network none --rm --force-rm -t "$helper" "$tmp/helper" >/dev/null ||
  fail "cannot build the helper image"
on_exit "docker rmi -f '$helper' >/dev/null 2>&1"
helper_id=$(docker image inspect -f '{{.Id}}' "$helper" | sed 's/^sha256://' | cut -c1-12)
busybox_id=$(docker image inspect -f '{{.Id}}' hoist-test/busybox:1 | sed 's/^sha256://' | cut -c1-12)
export helper helper_id busybox_id corpus tmp HOIST

check_one() { # name -> one result line on stdout
  local name=$1 f=$corpus/$1.Dockerfile w=$tmp/w/$1
  mkdir -p "$w/ctx"
  if jq -e '.ast_only == true' "$corpus/$name.json" >/dev/null 2>&1; then
    echo "SKIP $name (ast-only case)"; return
  fi
  local hrc=0
  "$HOIST" parse --compact "$f" >"$w/ast.json" 2>"$w/hoist.err" || hrc=$?
  if [ $hrc = 0 ] && [ "$(jq '[.. | objects | select(has("heredocs")) | .heredocs | length] | add' "$w/ast.json")" != 0 ]; then
    echo "SKIP $name (heredocs)"; return
  fi
  if [ $hrc = 0 ]; then
    # rewrite FROM lines to the helper image, keeping line numbers
    jq -r --arg img "$helper" '.instructions[] | select(.cmd == "from") |
        "\(.line)\t\(.end_line)\tFROM \($img)" + (if (.words | length) == 3 then " AS \(.words[2])" else "" end)' \
        "$w/ast.json" >"$w/from.tsv"
    awk -F'\t' 'NR == FNR { rep[$1] = $3; for (i = $1 + 1; i <= $2; i++) rep[i] = "#"; next }
                (FNR in rep) { print rep[FNR]; next } { print }' "$w/from.tsv" "$f" >"$w/ctx/Dockerfile"
  else
    cp "$f" "$w/ctx/Dockerfile"
  fi
  DOCKER_BUILDKIT=0 docker build --no-cache --network none --rm --force-rm "$w/ctx" 2>&1 |
    sed 's/\x1b\[[0-9;]*m//g' >"$w/engine.log"
  # remove every image this build created (intermediate ones included)
  local ids
  ids=$(grep -oE -- '---> [0-9a-f]{12}$' "$w/engine.log" | awk '{print $2}' | sort -u |
        grep -v -x -e "$helper_id" -e "$busybox_id" || true)
  [ -n "$ids" ] && docker rmi -f $ids >/dev/null 2>&1
  local eline emsg
  emsg=$(grep -m1 -oE 'dockerfile parse error line [0-9]+: .*|Error response from daemon: .*' "$w/engine.log" || true)
  eline=$(sed -nE 's/.*dockerfile parse error line ([0-9]+):.*/\1/p' <<<"$emsg" | head -1)
  local steps
  steps=$(grep -E '^Step [0-9]+/[0-9]+ : ' "$w/engine.log" || true)

  if [ $hrc != 0 ]; then
    local hline
    hline=$(sed -nE "s/^hoist parse: error: [^:]*:([0-9]+):[0-9]+: .*/\1/p" "$w/hoist.err" | head -1)
    if [ $hrc != 4 ]; then echo "FAIL $name (hoist exit $hrc)"; return; fi
    if grep -q heredoc "$w/hoist.err"; then echo "SKIP $name (heredocs)"; return; fi
    # only ARGs: the classic builder runs them, then fails for want of an image
    if grep -qE 'no stages to build' "$w/hoist.err" && ! grep -q '^Successfully built' "$w/engine.log"; then
      echo "PASS $name (both reject: no FROM)"; return
    fi
    if [ -n "$steps" ]; then
      local why
      why=$(head -1 "$w/hoist.err")
      case $why in
        # checks newer BuildKit makes that this engine's vendored copy does not
        *"doesn't support variable expansion, define alias stage"*)
          echo "VERSION $name (newer BuildKit rejects, this engine runs it: $why)"; return ;;
      esac
      echo "FAIL $name (hoist rejects, engine runs it: $why)"; return
    fi
    if [ -z "$emsg" ]; then echo "FAIL $name (engine gave no error: $(tail -1 "$w/engine.log"))"; return; fi
    if [ -n "$eline" ] && [ "$eline" != "$hline" ]; then
      echo "FAIL $name (line: hoist $hline, engine $eline: $emsg)"; return
    fi
    echo "PASS $name (both reject${eline:+ line $eline})"; return
  fi

  if [ -z "$steps" ]; then
    case $emsg in
      *"nknown flag: mount"*|*"nknown flag: network"*|*"nknown flag: security"*|*"nknown flag: link"*| \
      *"nknown flag: chmod"*|*"nknown flag: parents"*|*"nknown flag: exclude"*|*"nknown flag: checksum"*| \
      *"nknown flag: keep-git-dir"*|*"nknown flag: start-interval"*|*"nknown flag: device"*| \
      *"ARG requires exactly one argument"*)
        echo "VERSION $name (classic builder lacks it: $emsg)"; return ;;
    esac
    echo "FAIL $name (hoist accepts, engine rejects: ${emsg:-$(tail -1 "$w/engine.log")})"; return
  fi
  local n_engine n_hoist
  n_engine=$(sed -nE '1s/^Step 1\/([0-9]+) : .*/\1/p' <<<"$steps")
  n_hoist=$(jq '.instructions | length' "$w/ast.json")
  if [ "$n_engine" != "$n_hoist" ]; then echo "FAIL $name (count: hoist $n_hoist, engine $n_engine)"; return; fi
  local i=0 kw want
  while IFS= read -r line; do
    kw=$(sed -E 's/^Step [0-9]+\/[0-9]+ : ([^[:space:]]*).*/\1/' <<<"$line" | tr '[:lower:]' '[:upper:]')
    want=$(jq -r --argjson i $i '.instructions[$i].cmd' "$w/ast.json" | tr '[:lower:]' '[:upper:]')
    if [ "$kw" != "$want" ]; then echo "FAIL $name (step $((i + 1)): hoist $want, engine $kw)"; return; fi
    i=$((i + 1))
  done <<<"$steps"
  echo "PASS $name ($i/$n_engine steps compared)"
}
export -f check_one

mkdir -p "$tmp/w"
names=()
for f in "$corpus"/*.Dockerfile; do
  n=$(basename "$f" .Dockerfile)
  [ -n "${PARSE_ONLY:-}" ] && [[ $n != *"$PARSE_ONLY"* ]] && continue
  names+=("$n")
done
printf '%s\n' "${names[@]}" | xargs -P "${PARSE_JOBS:-4}" -I{} bash -c 'check_one "$@"' _ {} >"$tmp/results" 2>&1
sort "$tmp/results" >&2
pass=$(grep -c '^PASS' "$tmp/results" || true)
failn=$(grep -c '^FAIL' "$tmp/results" || true)
ver=$(grep -c '^VERSION' "$tmp/results" || true)
skipn=$(grep -c '^SKIP' "$tmp/results" || true)
note "parser vs classic builder: $pass agree, $failn disagree, $ver version differences, $skipn skipped (of ${#names[@]})"
[ "$failn" = 0 ] || fail "$failn corpus files disagree with the engine"
[ "$pass" -gt 0 ] || fail "nothing was compared"
