# tests/integration/lib.sh - helpers sourced by every integration test.
#
# The runner exports HOIST (the CLI under test, absolute), HOIST_SRC (repo
# root), DOCKER_HOST (the private engine) and HOIST_REGISTRY. Each test is a
# bash script: exit 0 pass, 77 skip, anything else fail. `tmp` is a scratch
# directory removed on exit; `on_exit` adds more cleanup commands.
set -euo pipefail

: "${HOIST:?run through tests/integration/run}"
# Tests do not read or fill the user's cache of ShellCheck verdicts
# ($XDG_CACHE_HOME/hoist); test_check_config turns it on in a scratch dir.
export HOIST_NO_CACHE=1
: "${HOIST_SRC:?run through tests/integration/run}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hoist-it.XXXXXX")
_cleanups=("rm -rf '$tmp'")
on_exit() { _cleanups+=("$*"); }
_run_cleanups() {
  local i
  for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[$i]}" || true; done
}
trap _run_cleanups EXIT

# make_public_dir VAR: creates a scratch directory under /tmp that every
# user can enter (mode 755, removed on exit) and stores its path in VAR.
# The checkout (and so $HOIST and $tmp) may sit in a directory only its
# owner can enter: /root is mode 0700, and so is every `mktemp -d`.
make_public_dir() {
  local _public_dir
  _public_dir=$(mktemp -d /tmp/hoist-pub.XXXXXX)
  chmod 755 "$_public_dir"
  _cleanups+=("rm -rf '$_public_dir'")
  printf -v "$1" '%s' "$_public_dir"
}

# as_nobody CMD...: runs CMD as the unprivileged user nobody (root only).
# A hoist in CMD must be $HOIST_PUBLIC (see use_public_hoist).
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# use_public_hoist: sets HOIST_PUBLIC to a copy of $HOIST that nobody can run
# whatever the mode of the checkout's directories.
use_public_hoist() {
  local bin_dir
  make_public_dir bin_dir
  cp "$HOIST" "$bin_dir/hoist"
  chmod 755 "$bin_dir/hoist"
  HOIST_PUBLIC=$bin_dir/hoist
}

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
note() { echo "# $*" >&2; }

assert_eq() { # expected actual what
  [ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}
assert_contains() { # haystack needle what
  case "$1" in *"$2"*) ;; *) fail "${3:-output} does not contain '$2': $1" ;; esac
}
assert_not_contains() {
  case "$1" in *"$2"*) fail "${3:-output} unexpectedly contains '$2': $1" ;; *) ;; esac
}

# run_capture CMD...: runs CMD, sets $out (stdout), $err (stderr), $rc.
run_capture() {
  local o e
  o=$(mktemp "$tmp/out.XXXXXX"); e=$(mktemp "$tmp/err.XXXXXX")
  set +e
  "$@" >"$o" 2>"$e"
  rc=$?
  set -e
  out=$(cat "$o"); err=$(cat "$e")
  rm -f "$o" "$e"
}

# expect_exit CODE CMD...: runs CMD and fails unless it exits with CODE.
expect_exit() {
  local want=$1; shift
  run_capture "$@"
  [ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want; stdout: $out; stderr: $err"
}

# The docker CLI the tests use to inspect the private engine.
docker_cli() { "${HOIST_TEST_DOCKER:-docker}" "$@"; }
