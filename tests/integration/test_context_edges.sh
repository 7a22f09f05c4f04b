# test_context_edges.sh - context edge cases, each compared with what
# Docker sends: the oracle is `DOCKER_BUILDKIT=0 docker build` (CLI 28 in
# /usr/local/bin, and 20.10 in /usr/bin when present) against a fake engine
# (tools/fake_engine.py) that saves the uploaded context tar. Cases:
# symlink loops, a symlink to /etc/shadow (the link is sent, never the
# target), names that are not UTF-8, 100,000 entries in one directory (same
# entries in the same order), a path over PATH_MAX and an unreadable file
# (both fail, naming it), a file that grows while it is sent (an error, no
# tar whose sizes lie), and a full disk under --tar FILE and --iidfile (an
# error and no partial file).
. "$HOIST_SRC/tests/integration/lib.sh"
chmod 755 "$tmp"

list_tar() { # TAR: one line per entry, in tar order: type name link size
  python3 - "$1" <<'PY'
import sys, tarfile
t = tarfile.open(sys.argv[1], encoding="utf-8", errors="surrogateescape")
for m in t.getmembers():
    k = "d" if m.isdir() else "l" if m.issym() else "h" if m.islnk() else "f" if m.isfile() else "?"
    print(k, repr(m.name.encode("utf-8", "surrogateescape")), repr(m.linkname.encode("utf-8", "surrogateescape")), m.size)
PY
}

# The oracle engine.
make_public_dir pub
chmod 777 "$pub"
python3 "$HOIST_SRC/tests/integration/tools/fake_engine.py" "$pub/engine.sock" "$pub" 2>"$tmp/engine.log" &
engine_pid=$!
on_exit "kill $engine_pid 2>/dev/null"
for ((i = 0; i < 100; i++)); do
  curl -sf --unix-socket "$pub/engine.sock" http://x/_ping >/dev/null 2>&1 && break
  sleep 0.1
done
chmod 777 "$pub/engine.sock"
clis=()
for c in /usr/local/bin/docker /usr/bin/docker; do [ -x "$c" ] && clis+=("$c"); done
[ ${#clis[@]} -gt 0 ] || skip "no docker CLI for the oracle"

# docker_sends CLI DIR: the tar the classic builder uploads, into $pub/context.tar
docker_sends() {
  rm -f "$pub/context.tar"
  DOCKER_HOST=unix://$pub/engine.sock DOCKER_BUILDKIT=0 timeout 300 "$1" build "$2" >"$tmp/docker.out" 2>&1 || true
  [ -f "$pub/context.tar" ] || return 1
}
# same_as_docker DIR: hoist context --tar is, entry for entry, what each CLI sends
same_as_docker() { # DIR [one]: "one" asks only the first CLI (big contexts)
  expect_exit 0 "$HOIST" context "$1" --tar "$tmp/hoist.tar"
  list_tar "$tmp/hoist.tar" >"$tmp/hoist.list"
  local c which=("${clis[@]}")
  [ "${2:-}" = one ] && which=("${clis[0]}")
  for c in "${which[@]}"; do
    docker_sends "$c" "$1" || fail "$c sent no context for $1: $(cat "$tmp/docker.out")"
    list_tar "$pub/context.tar" >"$tmp/docker.list"
    cmp -s "$tmp/docker.list" "$tmp/hoist.list" ||
      fail "$1: hoist and $c send different entries: $(diff "$tmp/docker.list" "$tmp/hoist.list" | head -20)"
  done
}

# 1. symlink loops, a link to /etc/shadow, a dangling link, non-UTF-8 names
c=$tmp/links
mkdir -p "$c/sub"
printf 'FROM hoist-test/busybox:1\n' >"$c/Dockerfile"
ln -s loop2 "$c/loop1"; ln -s loop1 "$c/loop2"; ln -s . "$c/sub/self"; ln -s .. "$c/sub/up"
ln -s /etc/shadow "$c/shadow"; ln -s /nonexistent "$c/dangling"
touch "$c/$(printf 'bad\xff\xfe')" "$c/$(printf 'latin1-caf\xe9')" "$c/$(printf 'utf8-caf\xc3\xa9')"
mkdir "$c/$(printf 'dir\xff')"; echo x >"$c/$(printf 'dir\xff')/$(printf 'in\xfe')"
same_as_docker "$c"
grep -q "^l b'shadow' b'/etc/shadow' 0$" "$tmp/hoist.list" || fail "shadow is not sent as a link: $(cat "$tmp/hoist.list")"
python3 - "$tmp/hoist.tar" <<'PY' || fail "the content of /etc/shadow is in the tar"
import sys
secret = open("/etc/shadow", "rb").read().strip()
sys.exit(1 if secret and secret in open(sys.argv[1], "rb").read() else 0)
PY
expect_exit 0 "$HOIST" context "$c" --list
assert_contains "$out" "shadow"

note "${SECONDS}s"
# 2. 100,000 entries in one directory (on a tmpfs when one can be mounted:
#    creating them on an overlay takes a minute; one CLI only, the upload
#    takes docker about 20 s)
big=$tmp/big
mkdir -p "$big"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256m,mode=755 tmpfs "$big" 2>/dev/null; then
  on_exit "umount '$big'"
fi
mkdir -p "$big/d"
printf 'FROM hoist-test/busybox:1\n' >"$big/Dockerfile"
python3 -c "
import os, sys
for i in range(100000): open(os.path.join(sys.argv[1], 'f%06d' % i), 'w').close()
" "$big/d"
same_as_docker "$big" one
assert_eq 100002 "$(wc -l <"$tmp/hoist.list")" "entries (Dockerfile, d/ and 100,000 files)"
start=$(date +%s%N)
expect_exit 0 "$HOIST" context "$big" --stats
note "context --stats over 100,000 entries: $(( ($(date +%s%N) - start) / 1000000 )) ms"

note "${SECONDS}s"
# 3. a path over PATH_MAX: both fail; hoist says why, exit 4
long=$tmp/long
mkdir -p "$long"
printf 'FROM hoist-test/busybox:1\n' >"$long/Dockerfile"
python3 -c "
import os, sys
os.chdir(sys.argv[1])
for i in range(22):
    n = 'd%02d' % i + 'x' * 196
    os.mkdir(n); os.chdir(n)
open('leaf', 'w').write('deep\n')
" "$long"
expect_exit 4 "$HOIST" context "$long" --tar "$tmp/long.tar"
assert_contains "$err" "over the system's limit"
assert_contains "$err" "hint:"
[ ! -e "$tmp/long.tar" ] || fail "a tar was left for an unreadable context"
for cli in "${clis[@]}"; do
  ! docker_sends "$cli" "$long" || fail "$cli sent a context with a path over PATH_MAX"
  assert_contains "$(cat "$tmp/docker.out")" "file name too long"
done

note "${SECONDS}s"
# 4. an unreadable file, as nobody: both refuse and name it
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  use_public_hoist
  u=$pub/unreadable
  mkdir -p "$u"
  printf 'FROM hoist-test/busybox:1\n' >"$u/Dockerfile"
  echo secret >"$u/private.key"; chmod 000 "$u/private.key"
  chmod 755 "$u"; chmod 644 "$u/Dockerfile"
  expect_exit 4 as_nobody "$HOIST_PUBLIC" context "$u" --tar "$pub/u.tar"
  assert_contains "$err" "private.key"
  assert_contains "$err" "Permission denied"
  [ ! -e "$pub/u.tar" ] || fail "partial tar left for an unreadable file"
  [ -z "$(ls "$pub" | grep '^u\.tar\.')" ] || fail "temporary tar left behind"
  for cli in "${clis[@]}"; do
    rm -f "$pub/context.tar"
    set +e
    as_nobody env DOCKER_HOST="unix://$pub/engine.sock" DOCKER_BUILDKIT=0 HOME="$pub" timeout 60 "$cli" build "$u" \
      >"$tmp/docker.out" 2>&1
    set -e
    [ ! -f "$pub/context.tar" ] || fail "$cli sent a context with an unreadable file"
    assert_contains "$(cat "$tmp/docker.out")" "private.key"
  done
else
  note "not root or no setpriv: unreadable-file case skipped"
fi

note "${SECONDS}s"
# 5. a file that grows while it is sent: an error naming it, no tar
g=$tmp/grow
mkdir -p "$g"
printf 'FROM hoist-test/busybox:1\n' >"$g/Dockerfile"
head -c 64M /dev/zero >"$g/log.txt"
( while :; do echo more >>"$g/log.txt"; done ) &
writer=$!
on_exit "kill $writer 2>/dev/null"
expect_exit 4 "$HOIST" context "$g" --tar "$tmp/grow.tar"
kill "$writer"; wait "$writer" 2>/dev/null || true
assert_contains "$err" "log.txt grew while being sent"
[ -z "$(ls "$tmp" | grep '^grow\.tar')" ] || fail "a tar was left for a growing file"

note "${SECONDS}s"
# 6. a full disk: --tar FILE and --iidfile fail cleanly, leave no file, and
#    an existing FILE is kept
if [ "$(id -u)" = 0 ] && mkdir -p "$tmp/full" && mount -t tmpfs -o size=1m tmpfs "$tmp/full" 2>/dev/null; then
  on_exit "umount '$tmp/full'"
  d=$tmp/fill
  mkdir -p "$d"
  printf 'FROM hoist-test/busybox:1\n' >"$d/Dockerfile"
  head -c 3M /dev/urandom >"$d/blob"
  echo previous >"$tmp/full/ctx.tar"
  expect_exit 1 "$HOIST" context "$d" --tar "$tmp/full/ctx.tar"
  assert_contains "$err" "No space left on device"
  assert_eq "previous" "$(cat "$tmp/full/ctx.tar")" "the old --tar FILE after a full disk"
  assert_eq "ctx.tar" "$(ls -A "$tmp/full")" "files on the full disk"
  # --iidfile on a disk with no room left at all
  rm -f "$tmp/full/ctx.tar"
  head -c 2M /dev/zero >"$tmp/full/filler" 2>/dev/null || true
  tag=hoist-it-edges-$$
  on_exit "docker_cli rmi -f $tag >/dev/null 2>&1"
  expect_exit 1 "$HOIST" build --engine api --network none -t "$tag" --iidfile "$tmp/full/iid" "$d"
  assert_contains "$err" "image ID file"
  assert_eq "filler" "$(ls -A "$tmp/full")" "files on the full disk after --iidfile"
else
  note "no tmpfs (not root): full-disk cases skipped"
fi
echo ok
