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

# containers_matching TOKEN: IDs of the engine's containers whose command
# contains TOKEN, one per line. `docker ps` can fail while the daemon
# removes a container (it vanishes between list and inspect): a failed
# listing prints "ps-failed: ..." so that callers waiting for "no
# container" keep waiting instead of taking an error for an empty list.
containers_matching() {
  local listing
  listing=$(docker_cli ps -a --no-trunc --format '{{.ID}} {{.Command}}' 2>&1) || {
    echo "ps-failed: $listing"
    return 0
  }
  printf '%s\n' "$listing" | grep -F -- "$1" | cut -d' ' -f1 || true
}

# assert_no_canary SECRET [PATH...]: fails when SECRET (a planted canary:
# registry password, credential-helper reply, --secret value) appears in
# $out, $err or any PATH (files, or directories searched recursively: logs,
# --progress json event files, HOIST_LOG output, error messages saved by
# the test), as it is, base64-encoded (auth fields, X-Registry-Auth), or
# JSON-escaped. With CANARY_USER set, "user:SECRET" in base64 too.
assert_no_canary() {
  local secret=$1 form p; shift
  [ ${#secret} -ge 8 ] || fail "assert_no_canary: a canary of ${#secret} characters would match by chance"
  local forms=("$secret" "$(printf '%s' "$secret" | base64 -w0 | tr -d '=')")
  [ -n "${CANARY_USER:-}" ] && forms+=("$(printf '%s:%s' "$CANARY_USER" "$secret" | base64 -w0 | tr -d '=')")
  forms+=("$(printf '%s' "$secret" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read())[1:-1])' 2>/dev/null || true)")
  for form in "${forms[@]}"; do
    [ -n "$form" ] || continue
    case "${out:-}${err:-}" in *"$form"*) fail "the canary secret ($form) is in the output: ${out:-} ${err:-}" ;; esac
    for p in "$@"; do
      [ -e "$p" ] || continue
      if grep -rqF -- "$form" "$p" 2>/dev/null; then
        fail "the canary secret ($form) is in $p: $(grep -rlF -- "$form" "$p" | head -3 | tr '\n' ' ')"
      fi
    done
  done
}

# tls_engine_up NAME FIRST_PORT: a second private engine of the test's own,
# listening on 127.0.0.1 with mutual TLS, for tests of tcp+TLS endpoints
# and builders. Makes a test PKI in $tmp/pki: ca.pem (CN hoist-NAME-ca),
# server-cert.pem/server-key.pem for IP 127.0.0.1, and client/ with
# cert.pem, key.pem and ca.pem (a DOCKER_CERT_PATH). Starts the engine
# with its own run and state directories (/run/hoist-NAME-PID,
# $tmp/engine) on the first free port from FIRST_PORT (100 tried), stopped
# and removed on exit. Sets pki, port, and tls_engine_sock (its unix
# socket, for docker_cli and base-images). Needs root and openssl: skips
# without them.
tls_engine_up() {
  local name=$1 first=$2 p
  [ "$(id -u)" = 0 ] || skip "needs root to start a private dockerd"
  command -v openssl >/dev/null || skip "no openssl"
  export HOIST_ENGINE_RUN=/run/hoist-$name-$$
  export HOIST_ENGINE_STATE=$tmp/engine
  on_exit "HOIST_ENGINE_RUN='$HOIST_ENGINE_RUN' HOIST_ENGINE_STATE='$HOIST_ENGINE_STATE' '$HOIST_SRC/scripts/engine' down >/dev/null 2>&1; rm -rf '$HOIST_ENGINE_RUN'"
  pki=$tmp/pki
  mkdir -p "$pki/client"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=hoist-$name-ca" -keyout ca-key.pem -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile server.ext \
      -out server-cert.pem
    openssl req -newkey rsa:2048 -nodes -subj /CN=hoist-client -keyout client/key.pem -out client.csr
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.ext \
      -out client/cert.pem
    cp ca.pem client/ca.pem
  ) 2>/dev/null || fail "could not make the test PKI in $pki"
  port=
  for p in $(seq "$first" $((first + 100))); do ss -Hltn "sport = :$p" | grep -q . || { port=$p; break; }; done
  [ -n "$port" ] || fail "no free port from $first for the TLS engine"
  HOIST_ENGINE_TLS_PORT=$port HOIST_ENGINE_TLS_DIR=$pki "$HOIST_SRC/scripts/engine" up >/dev/null 2>&1 ||
    fail "could not start the TLS engine: $(tail -5 "$HOIST_ENGINE_STATE/dockerd.log" 2>/dev/null)"
  tls_engine_sock=unix://$HOIST_ENGINE_RUN/docker.sock
}
