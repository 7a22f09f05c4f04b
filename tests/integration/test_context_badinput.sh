#!/usr/bin/env bash
# test_context_badinput.sh - `hoist context` on hostile or odd input:
# unreadable file and directory (as a non-root user), dangling and escaping
# symlinks, a context path that is a file, a 300+ character path, a sparse
# file over 8 GiB (PAX size header), a fifo and a socket, a broken
# .dockerignore, a missing -f, an unwritable --tar destination. The long
# name and symlinks are also built on the engine to check the daemon sees
# the same thing.
. "$(dirname "$0")/lib.sh"
chmod 755 "$tmp"

# -- a context path that is a file, or missing
echo x >"$tmp/file"
expect_exit 4 "$HOIST" context "$tmp/file" --list
assert_contains "$err" "must be a directory"
assert_contains "$err" "hint:"
expect_exit 4 "$HOIST" context "$tmp/nope" --list
assert_contains "$err" "not found"

# -- broken .dockerignore: file:line and exit 4
mkdir -p "$tmp/bad"
printf 'ok\n[unclosed\n' >"$tmp/bad/.dockerignore"
expect_exit 4 "$HOIST" context "$tmp/bad" --list
assert_contains "$err" ".dockerignore:2"
printf '!\n' >"$tmp/bad/.dockerignore"
expect_exit 4 "$HOIST" context "$tmp/bad" --list
assert_contains "$err" ".dockerignore:1"

# -- missing -f
expect_exit 4 "$HOIST" context "$tmp/bad" -f "$tmp/no-such-Dockerfile" --list
assert_contains "$err" "Dockerfile"

# -- unreadable file and directory, as a non-root user
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  use_public_hoist
  make_public_dir pub
  u=$pub/unreadable
  mkdir -p "$u/ok" "$u/locked"
  echo secret >"$u/ok/secret"; chmod 000 "$u/ok/secret"
  echo fine >"$u/ok/fine"
  printf 'FROM hoist-test/busybox:1\n' >"$u/Dockerfile"
  chmod -R a+rX "$u/ok/fine" "$u/Dockerfile"; chmod 755 "$u" "$u/ok"
  chmod 000 "$u/locked"
  printf 'locked\n' >"$u/.dockerignore"; chmod 644 "$u/.dockerignore"
  expect_exit 4 as_nobody "$HOIST_PUBLIC" context "$u" --list
  assert_contains "$err" "ok/secret"
  assert_contains "$err" "Permission denied"
  # excluding it makes the context valid again; the locked dir still fails
  printf 'ok/secret\n' >"$u/.dockerignore"
  expect_exit 4 as_nobody "$HOIST_PUBLIC" context "$u" --list
  assert_contains "$err" "locked"
  printf 'ok/secret\nlocked\n' >"$u/.dockerignore"
  expect_exit 0 as_nobody "$HOIST_PUBLIC" context "$u" --list
  assert_contains "$out" "ok/fine"
  # --tar must not leave a partial file behind
  printf 'locked\n' >"$u/.dockerignore"
  chmod 777 "$pub"
  expect_exit 4 as_nobody "$HOIST_PUBLIC" context "$u" --tar "$pub/partial.tar"
  [ ! -e "$pub/partial.tar" ] || fail "partial tar left behind"
  chmod 755 "$pub"
  chmod 755 "$u/locked"
else
  note "not root or no setpriv: unreadable-file checks skipped"
fi

# -- symlinks (dangling, escaping, to a directory), long path, fifo, socket
c=$tmp/odd
mkdir -p "$c/dir"
echo hi >"$c/dir/f"
ln -s does-not-exist "$c/dangling"
ln -s ../../../../../etc/passwd "$c/escaping"
ln -s dir "$c/dirlink"
long=$(printf 'a%.0s' $(seq 1 120))/$(printf 'b%.0s' $(seq 1 120))/$(printf 'c%.0s' $(seq 1 100))
mkdir -p "$c/$(dirname "$long")"
echo long >"$c/$long"
echo utf >"$c/caf$(printf '\xc3\xa9') file"
mkfifo "$c/pipe"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$c/sock"
printf 'FROM hoist-test/busybox:1\nCOPY . /ctx\n' >"$c/Dockerfile"
expect_exit 0 "$HOIST" context "$c" --list
assert_contains "$out" "dangling"
assert_contains "$out" "escaping"
assert_contains "$out" "$long"
assert_not_contains "$out" "dirlink/f"
assert_not_contains "$out" "pipe"
assert_not_contains "$out" "sock"
assert_contains "$err" "pipe: fifo skipped"
assert_contains "$err" "sock: socket skipped"
tv=$("$HOIST" context "$c" --tar - 2>/dev/null | tar -tvf -)
assert_contains "$tv" "escaping -> ../../../../../etc/passwd"
assert_contains "$tv" "dangling -> does-not-exist"
assert_contains "$tv" "dirlink -> dir"
assert_contains "$tv" "$long"
# the daemon receives the same links and the long name
rm -f "$c/pipe" "$c/sock"
if docker image inspect hoist-test/busybox:1 >/dev/null 2>&1; then
  id=$(DOCKER_BUILDKIT=0 docker build -q --no-cache --rm --network none "$c" 2>"$tmp/build.err") ||
    { cat "$tmp/build.err"; fail "docker build of the odd context failed"; }
  on_exit "docker rmi -f $id >/dev/null 2>&1"
  cid=$(docker create "$id" 2>/dev/null)
  on_exit "docker rm -f $cid >/dev/null 2>&1"
  got=$(docker cp "$cid:/ctx" - | LC_ALL=C.UTF-8 tar --quoting-style=literal -tvf -)
  assert_contains "$got" "ctx/escaping -> ../../../../../etc/passwd"
  assert_contains "$got" "ctx/dangling -> does-not-exist"
  assert_contains "$got" "ctx/$long"
fi

# -- a sparse file over 8 GiB: size goes in a PAX header
s=$tmp/sparse
mkdir -p "$s"
truncate -s $((8 * 1024 * 1024 * 1024 + 5)) "$s/huge"
size=$("$HOIST" context "$s" --tar - 2>/dev/null | python3 -c '
import sys, tarfile
t = tarfile.open(fileobj=sys.stdin.buffer, mode="r|")
m = t.next()
print(m.name, m.size, "size" in m.pax_headers)
sys.stdout.flush()
import os; os._exit(0)
' || true)
assert_eq "huge 8589934597 True" "$size" "sparse file header"

# -- --tar into a missing directory: error, nothing created
expect_exit 4 "$HOIST" context "$c" --tar "$tmp/no/such/dir/out.tar"
assert_contains "$err" "cannot create"

# -- a Dockerfile outside the context: sent as .dockerfile.<20 hex>; the
# daemon sees the same files as hoist lists (it drops the generated name)
o=$tmp/outside
mkdir -p "$o/ctx/sub" "$o/df"
echo a >"$o/ctx/sub/a"; echo b >"$o/ctx/b"
printf 'b\n' >"$o/ctx/.dockerignore"
printf 'FROM hoist-test/busybox:1\nCOPY . /ctx\n' >"$o/df/Dockerfile"
(cd "$o" && "$HOIST" context ctx -f df/Dockerfile --list) >"$o/hoist.list"
last=$(tail -1 "$o/hoist.list")
[[ $last =~ ^\.dockerfile\.[0-9a-f]{20}$ ]] || fail "generated Dockerfile name: $last"
if docker image inspect hoist-test/busybox:1 >/dev/null 2>&1; then
  id=$(cd "$o" && DOCKER_BUILDKIT=0 docker build -q --no-cache --rm --network none -f df/Dockerfile ctx 2>"$tmp/build2.err") ||
    { cat "$tmp/build2.err"; fail "docker build with an outside Dockerfile failed"; }
  on_exit "docker rmi -f $id >/dev/null 2>&1"
  cid=$(docker create "$id" 2>/dev/null)
  on_exit "docker rm -f $cid >/dev/null 2>&1"
  docker cp "$cid:/ctx" - | tar -t >"$o/docker.list"
  grep -v '^\.dockerfile\.' "$o/hoist.list" >"$o/hoist.filtered"
  python3 "$HOIST_SRC/tests/integration/context/compare.py" "$o/hoist.filtered" "$o/docker.list" ||
    fail "outside Dockerfile: hoist and the daemon disagree"
fi
