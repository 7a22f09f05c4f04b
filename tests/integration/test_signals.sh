# test_signals.sh - SIGINT, SIGTERM, SIGHUP and SIGPIPE in every command
# (docs/reliability.md): the documented exit code (130 INT/TERM, 129 HUP,
# 141 PIPE), no container and no child process left behind, no partial
# file. Builds run a RUN step that sleeps, are signalled once its container
# exists, and must have removed that container (found by a token in its
# command) and every process mentioning the context a few seconds later.
. "$HOIST_SRC/tests/integration/lib.sh"

tok=hoist-it-sig-$$
ctx=$tmp/ctx
mkdir -p "$ctx"
printf 'FROM hoist-test/busybox:1\nRUN echo %s && sleep 60\n' "$tok" >"$ctx/Dockerfile"
remove_token_containers() {
  containers_matching "$tok" | grep -v '^ps-failed' | xargs -r "${HOIST_TEST_DOCKER:-docker}" rm -f >/dev/null 2>&1
}
on_exit remove_token_containers

containers_with_token() { # a failed listing counts as one (not none)
  containers_matching "$tok" | grep -c . || true
}
wait_for_container() { # up to 90 s: the RUN step's container exists (a failed listing is not one)
  local i
  for ((i = 0; i < 180; i++)); do
    [ "$(containers_matching "$tok" | grep -vc '^ps-failed')" -gt 0 ] && return 0
    sleep 0.5
  done
  fail "the RUN container never appeared"
}
expect_no_leftovers() { # what: no container with the token, no process on the context
  local i
  for ((i = 0; i < 40; i++)); do
    [ "$(containers_with_token)" = 0 ] && ! pgrep -f -- "$ctx" >/dev/null && return 0
    sleep 0.5
  done
  docker_cli ps -a --no-trunc | grep "$tok" >&2 || true
  pgrep -af -- "$ctx" >&2 || true
  fail "$1: a container or process was left behind"
}

# signal_build SIG WANT ENGINE-ARGS...: start a build, signal it mid-RUN.
signal_build() {
  local sig=$1 want=$2; shift 2
  "$HOIST" build --network none --progress plain "$@" "$ctx" >"$tmp/out" 2>"$tmp/err" &
  local pid=$!
  wait_for_container
  kill -"$sig" "$pid"
  set +e
  wait "$pid"
  local rc=$?
  set -e
  [ "$rc" = "$want" ] || fail "build $* on SIG$sig exited $rc, expected $want: $(cat "$tmp/err")"
  expect_no_leftovers "build $* SIG$sig"
}

# 1. hoist build through the Engine API (the classic builder)
signal_build INT 130 --engine api
assert_contains "$(cat "$tmp/err")" "cancelled"
signal_build TERM 130 --engine api
signal_build HUP 129 --engine api

# 2. hoist build through the docker CLI (its process group is stopped too)
DOCKER_BIN=$(command -v docker || true)
if [ -n "$DOCKER_BIN" ]; then
  signal_build TERM 130 --engine cli --docker "$DOCKER_BIN"
  signal_build HUP 129 --engine cli --docker "$DOCKER_BIN"
  # SIGKILL cannot be handled: the docker CLI child is told by the kernel
  # (PR_SET_PDEATHSIG) and cancels the build itself.
  signal_build KILL 137 --engine cli --docker "$DOCKER_BIN"
else
  note "no docker CLI: CLI-engine cases skipped"
fi

# 3. SIGPIPE: the reader of the output goes away (2>&1 | head -1: plain
#    progress is on stderr). The build stops quietly with 141 and leaves
#    nothing behind.
set +e
"$HOIST" build --engine api --network none --progress plain "$ctx" 2>&1 | head -1 >/dev/null
rc=${PIPESTATUS[0]}
set -e
assert_eq 141 "$rc" "build | head -1"
expect_no_leftovers "build | head -1"

# 4. context --list and parse into | head -1: more output than a pipe holds
big=$tmp/big
mkdir -p "$big/d"
(cd "$big/d" && seq -f 'some-longer-file-name-%05g' 1 8000 | xargs touch)
printf 'FROM hoist-test/busybox:1\n' >"$big/Dockerfile"
set +e
"$HOIST" context "$big" --list | head -1 >/dev/null
rc=${PIPESTATUS[0]}
set -e
assert_eq 141 "$rc" "context --list | head -1"
for ((i = 0; i < 4000; i++)); do printf 'RUN echo line %d with some words to make it long\n' "$i"; done >>"$big/Dockerfile"
set +e
"$HOIST" parse "$big/Dockerfile" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
set -e
assert_eq 141 "$rc" "parse | head -1"

# 5. a command writing a file: SIGTERM/SIGINT/SIGHUP mid --tar FILE leave no
#    FILE and no temporary beside it (a 3 GiB sparse file keeps it busy).
slow=$tmp/slow
mkdir -p "$slow" "$tmp/dest"
truncate -s 3G "$slow/sparse"
printf 'FROM hoist-test/busybox:1\n' >"$slow/Dockerfile"
for pair in INT:130 TERM:130 HUP:129; do
  sig=${pair%:*} want=${pair#*:}
  "$HOIST" context "$slow" --tar "$tmp/dest/ctx.tar" 2>"$tmp/err" &
  pid=$!
  for ((i = 0; i < 100; i++)); do
    f=$(ls "$tmp/dest" 2>/dev/null | head -1)
    [ -n "$f" ] && [ "$(stat -c %s "$tmp/dest/$f")" -gt 1000000 ] && break
    sleep 0.05
  done
  kill -"$sig" "$pid"
  set +e
  wait "$pid"
  rc=$?
  set -e
  assert_eq "$want" "$rc" "context --tar on SIG$sig"
  left=$(ls -A "$tmp/dest")
  assert_eq "" "$left" "files left in the --tar directory after SIG$sig"
done

# 6. SIGTERM to hoist check while shellcheck runs: 130, shellcheck is
#    stopped and its script is not left in TMPDIR
if command -v shellcheck >/dev/null; then
  mkdir -p "$tmp/checktmp"
  TMPDIR=$tmp/checktmp "$HOIST" check "$big/Dockerfile" >/dev/null 2>&1 &
  pid=$!
  sleep 0.3
  kids=$(pgrep -P "$pid" || true)
  kill -TERM "$pid"
  set +e
  wait "$pid"
  rc=$?
  set -e
  # it may have finished already (0 or 1: findings); otherwise 130
  case $rc in 0|1|130) ;; *) fail "check on SIGTERM exited $rc" ;; esac
  sleep 3
  assert_eq "" "$(ls -A "$tmp/checktmp")" "temporary files left by hoist check"
  for k in $kids; do
    ! kill -0 "$k" 2>/dev/null || fail "child $k of hoist check ($(cat /proc/$k/cmdline | tr '\0' ' ')) is still running"
  done
fi
echo ok
