# test_explain.sh - `hoist explain` predicts the engine's first cache miss.
#
# For each engine (api: the classic builder; buildkit: native BuildKit), a
# two-stage project is built once (the record), then edited step by step;
# after each edit `hoist explain --json` names the first step it expects to
# miss, the build runs with --progress json, and the test asserts that the
# first step the engine really ran (not FROM, not from the cache) is that
# step ("none" when everything comes from the cache). Edits: nothing, mtime
# only, mode, ownership (root only), a new ignored file, a new unignored
# file, content, a build arg, a Dockerfile comment, an instruction edit, a
# base image retag (a local tag moved to a derived image with the same
# layers, then with a new layer: nothing pulled), blanks and keyword case;
# then a cli build against the api record, BuildKit's RUN --mount=type=bind,
# and a COPY . whose Dockerfile and .dockerignore are ignored.
# Also: the message without a record, the rebuild reason events, --json's
# fields. What cannot be predicted (a COPY --from a rebuilt stage, whose
# files are only known once built) is reported as "maybe" and is never a
# first miss here (docs/cache.md).
. "$HOIST_SRC/tests/integration/lib.sh"

unset HOIST_NO_CACHE
export XDG_CACHE_HOME=$tmp/cache
tag=hoist-it-explain-$$
base=hoist-it-explain-base-$$:1
on_exit "docker_cli rmi -f $tag-api $tag-buildkit $base hoist-it-explain-derived-$$:1 >/dev/null 2>&1"
docker_cli tag hoist-test/busybox:1 "$base"

# bad input: clear errors, the usual exit codes, nothing written
mkdir -p "$tmp/bad"
printf 'FROM\n' > "$tmp/bad/Dockerfile"
expect_exit 4 "$HOIST" explain "$tmp/bad"
assert_contains "$err" "Dockerfile:1" "bad Dockerfile"
printf 'FROM hoist-test/busybox:1 AS a\nRUN true\n' > "$tmp/bad/Dockerfile"
expect_exit 2 "$HOIST" explain --target nope "$tmp/bad"
assert_contains "$err" 'target stage "nope"' "unknown target"
expect_exit 2 "$HOIST" explain --engine cli "$tmp/bad"
expect_exit 3 env DOCKER_HOST=unix:///nonexistent.sock "$HOIST" explain --engine api "$tmp/bad"
[ ! -e "$XDG_CACHE_HOME/hoist/records" ] || fail "explain wrote a record"

first_real() { # the JSON events on stdin -> first step that ran, or none
  jq -rs '([.[] | select(.type == "step" and .keyword == "FROM") | .step] | min) as $f
          | [.[] | select(.type == "step-cached") | .step] as $c
          | ([.[] | select(.type == "step" and .keyword != "FROM" and .step > $f) | .step] - $c | min) // "none"'
}

for engine in api buildkit; do
  p=$tmp/$engine
  mkdir -p "$p/src"
  cat > "$p/Dockerfile" <<DF
# explain matrix
ARG BASE=$base
FROM \$BASE AS build
ARG VERSION=1
WORKDIR /src
COPY src/ ./
RUN cat a.txt > /out.txt
RUN echo "v\$VERSION" > /v.txt
FROM hoist-test/busybox:1
COPY --from=build /out.txt /out.txt
COPY b.txt /b.txt
RUN echo done > /done.txt
DF
  printf '*.log\n' > "$p/.dockerignore"
  # unique content: the engine's cache keeps every earlier build (of any
  # run of this test), and a state seen before hits it whatever the record
  # says (docs/cache.md, "what cannot be predicted")
  echo "a $$ $engine" > "$p/src/a.txt"
  echo "b $$" > "$p/b.txt"
  args=()

  run_capture "$HOIST" explain --engine "$engine" "$p"
  assert_eq 0 "$rc" "explain without a record: exit"
  assert_contains "$out" "no build recorded yet" "explain without a record"
  run_capture "$HOIST" explain --engine "$engine" --json "$p"
  assert_eq false "$(jq -r .has_record <<<"$out")" "has_record without a record"

  build() {
    "$HOIST" build --engine "$engine" --network none --no-check --progress json -t "$tag-$engine" "${args[@]}" "$p" \
      >"$tmp/events.json" 2>"$tmp/build.err" || { cat "$tmp/build.err" >&2; fail "$engine: build failed"; }
  }
  build
  # case NAME EXPECTED_STEP [REASON_PART]: explain, build, compare
  case_() {
    local name=$1 want=$2 reason=${3:-}
    run_capture "$HOIST" explain --engine "$engine" --json "${args[@]}" "$p"
    [ "$rc" = 0 ] || fail "$engine/$name: explain exited $rc: $err"
    local predicted
    predicted=$(jq -r '.first_miss.step // "none"' <<<"$out")
    local why
    why=$(jq -r '.first_miss.reason // ""' <<<"$out")
    build
    local real
    real=$(first_real <"$tmp/events.json")
    note "$engine/$name: predicted $predicted ($why), engine ran $real first"
    assert_eq "$real" "$predicted" "$engine/$name: predicted first miss vs the engine's first non-cached step"
    assert_eq "$want" "$real" "$engine/$name: the engine's first non-cached step"
    if [ -n "$reason" ]; then
      assert_contains "$why" "$reason" "$engine/$name: reason"
      # the build said why it ran the step again
      local said
      said=$(jq -r --argjson s "$real" 'select(.type == "note" and .step == $s and .reason != null) | .reason' \
             "$tmp/events.json")
      assert_contains "$said" "$reason" "$engine/$name: rebuild reason event"
    fi
  }
  # the first step after FROM: the classic builder probes ARG, BuildKit's first vertex is WORKDIR
  if [ "$engine" = api ]; then after_from=3; else after_from=4; fi
  case_ unchanged none
  touch -d '2001-01-01' "$p/src/a.txt"
  case_ mtime-only none
  chmod 600 "$p/src/a.txt"
  case_ mode 5 "src/a.txt changed (mode)"
  if [ "$(id -u)" = 0 ]; then
    chown 1234:1234 "$p/src/a.txt"
    case_ ownership none
  else
    note "ownership: skipped (not root)"
  fi
  echo noise > "$p/debug.log"
  case_ new-ignored-file none
  echo "new $$" > "$p/src/new.txt"
  case_ new-unignored-file 5 "src/new.txt added"
  echo "changed $$" > "$p/src/a.txt"
  case_ content 5 "src/a.txt changed (content)"
  args=(--build-arg "VERSION=2-$$")
  case_ build-arg 6 "ARG VERSION changed 1"
  sed -i '1a # a comment moves lines, not instructions' "$p/Dockerfile"
  case_ comment none
  # blanks between words and the keyword's case are not compared
  sed -i 's|^COPY b.txt /b.txt|copy  b.txt   /b.txt|' "$p/Dockerfile"
  case_ blanks-and-case none
  sed -i 's/echo done/echo finished/' "$p/Dockerfile"
  case_ instruction-edit 11 "edited"
  printf 'FROM %s\nLABEL hoist.explain.retag=%s-%s\n' "$base" "$engine" "$$" >"$tmp/Dockerfile.derived"
  HOIST_NO_CACHE=1 "$HOIST" build --engine api --no-check -q -f "$tmp/Dockerfile.derived" \
    -t "hoist-it-explain-derived-$$:1" "$tmp" >/dev/null 2>&1 || fail "building the derived base"
  docker_cli tag "hoist-it-explain-derived-$$:1" "$base"
  # a base moved to an image with the same layers (only a LABEL differs):
  # the classic builder keys on the image ID and misses, BuildKit keys on
  # the layers' chain ID and hits
  if [ "$engine" = api ]; then
    case_ base-retag-same-layers "$after_from" "base image"
  else
    case_ base-retag-same-layers none
  fi
  # a base moved to an image with another layer: both miss
  mkdir -p "$tmp/derived"
  echo "layer $$" > "$tmp/derived/x.txt"
  printf 'FROM %s\nCOPY x.txt /x.txt\n' "$base" >"$tmp/derived/Dockerfile"
  HOIST_NO_CACHE=1 "$HOIST" build --engine api --no-check -q -t "hoist-it-explain-derived-$$:1" "$tmp/derived" \
    >/dev/null 2>&1 || fail "building the derived base"
  docker_cli tag "hoist-it-explain-derived-$$:1" "$base"
  case_ base-retag-new-layer "$after_from" "base image"

  # text output names the file and line, and what rebuilds after it
  echo again > "$p/src/a.txt"
  run_capture "$HOIST" explain --engine "$engine" "${args[@]}" "$p"
  assert_eq 0 "$rc" "explain with a miss: exit"
  assert_contains "$out" "Dockerfile:7 COPY src/ ./: src/a.txt changed (content)" "explain text"
  assert_contains "$out" "then:" "explain text"
  if [ "$engine" = api ]; then
    # the cli engine's classic builder shares the api engine's cache and record
    echo "cli $$" > "$p/src/a.txt"
    run_capture "$HOIST" explain --engine api --json "${args[@]}" "$p"
    predicted=$(jq -r '.first_miss.step // "none"' <<<"$out")
    run_capture "$HOIST" build --engine cli --network none --no-check --progress json -t "$tag-api" "${args[@]}" "$p"
    [ "$rc" = 0 ] || fail "cli build failed: $err"
    if [ "$(jq -r 'select(.type == "result") | .builder' <<<"$out")" = classic ]; then
      assert_eq "$predicted" "$(first_real <<<"$out")" "cli (classic): predicted first miss"
      assert_contains "$(jq -r 'select(.type == "note" and .reason != null) | .text' <<<"$out")" \
        "step 5 rebuilt: src/a.txt changed (content)" "cli (classic): rebuild reason"
    else
      note "cli engine: not the classic builder here, skipped"
    fi
  fi
  docker_cli tag hoist-test/busybox:1 "$base"
done

# ---- BuildKit: RUN --mount=type=bind keys on the mounted files -------------
p=$tmp/mount
mkdir -p "$p"
cat > "$p/Dockerfile" <<'DF'
FROM hoist-test/busybox:1
COPY other.txt /other.txt
RUN --mount=type=bind,source=m.txt,target=/m.txt cat /m.txt > /m
RUN --mount=type=cache,target=/cache echo cached > /c
DF
echo "m $$" > "$p/m.txt"
echo "other $$" > "$p/other.txt"
engine=buildkit
args=()
build
echo "m2 $$" > "$p/m.txt"
case_ mounted-file-content 3 "m.txt changed (content)"
echo "more $$" > "$p/unrelated.txt"
case_ unmounted-new-file none

# ---- COPY . with the Dockerfile and .dockerignore ignored (both engines) ----
# The CLI (and hoist) send them anyway; the classic builder drops them again
# and BuildKit never sees them: editing either misses nothing, while
# un-ignoring a file adds it to the COPY.
for engine in api buildkit; do
  p=$tmp/all-$engine
  mkdir -p "$p"
  printf 'FROM hoist-test/busybox:1\nCOPY . /app/\nRUN ls /app > /listing\n' > "$p/Dockerfile"
  printf 'Dockerfile\n.dockerignore\n*.log\n' > "$p/.dockerignore"
  echo "x $$ $engine" > "$p/x.txt"
  echo "log $$" > "$p/build.log"
  args=()
  build
  echo "# a comment $$" >> "$p/Dockerfile"
  case_ ignored-dockerfile-edited none
  printf 'Dockerfile\n.dockerignore\n*.log\n# %s\n' "$$" > "$p/.dockerignore"
  case_ ignored-dockerignore-edited none
  printf 'Dockerfile\n.dockerignore\n' > "$p/.dockerignore"
  case_ log-no-longer-ignored 2 "build.log added"
done
