# test_doctor.sh - `hoist doctor` against the real private engine, and its
# diagnoses for a missing socket, a stale socket, permission denied and a
# pinned API version the daemon does not support.
. "$HOIST_SRC/tests/integration/lib.sh"

daemon_api=$(curl -fsS --unix-socket "${DOCKER_HOST#unix://}" -o /dev/null -D - http://engine/_ping \
  | tr -d '\r' | awk -F': ' 'tolower($1)=="api-version" {print $2}')
[ -n "$daemon_api" ] || fail "could not read the private engine's API-Version"

# 1. passes against the private engine and reports the negotiated version.
expect_exit 0 "$HOIST" doctor
assert_contains "$out" "engine usable: yes (API $daemon_api)"
assert_contains "$out" "negotiated $daemon_api"
assert_contains "$out" "from DOCKER_HOST"

# 2. --json parses, one object per check, each with the documented fields.
expect_exit 0 "$HOIST" doctor --json
echo "$out" > "$tmp/doctor.json"
python3 - "$tmp/doctor.json" "$daemon_api" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["usable"] is True, report
assert report["negotiated_api_version"] == sys.argv[2], report
ids = [c["id"] for c in report["checks"]]
assert ids == ["docker-cli", "endpoint", "daemon", "api-version", "server", "buildkit", "disk"], ids
for c in report["checks"]:
    assert set(c) >= {"id", "title", "status", "message", "hint", "details"}, c
    assert c["status"] in ("pass", "warn", "fail", "skip"), c
assert all(c["status"] != "fail" for c in report["checks"])
api = next(c for c in report["checks"] if c["id"] == "api-version")
assert api["details"]["negotiated"] == sys.argv[2], api
# the private engine (API >= 1.39) offers the BuildKit session; not opened by doctor
bk = next(c for c in report["checks"] if c["id"] == "buildkit")
assert bk["details"]["session"] == "yes", bk
assert bk["details"]["frontend"] == "built-in (dockerfile.v0)", bk
assert "session: POST /session" in bk["message"], bk
assert bk["details"]["hoist_build_engine"] == "buildkit", bk   # what hoist build auto picks
PY

# 3. a socket path that does not exist: exit 3, "not running".
expect_exit 3 env DOCKER_HOST="unix://$tmp/missing.sock" "$HOIST" doctor
assert_contains "$out" "does not exist, so the daemon is not running"
assert_contains "$out" "hint:"

# 4. a stale socket (exists, nobody listening): exit 3, says stale.
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()" "$tmp/stale.sock"
expect_exit 3 env DOCKER_HOST="unix://$tmp/stale.sock" "$HOIST" doctor
assert_contains "$out" "stale socket"

# 5. permission denied: run as an unprivileged user against the root-owned socket.
if [ "$(id -u)" = 0 ]; then
  use_public_hoist
  expect_exit 3 as_nobody env HOME=/nonexistent "$HOIST_PUBLIC" doctor
  assert_contains "$out" "permission denied"
  assert_contains "$out" "group"
else
  note "not root: permission-denied case skipped"
fi

# 6. DOCKER_API_VERSION above the daemon's maximum: exit 3, both versions named.
expect_exit 3 env DOCKER_API_VERSION=1.99 "$HOIST" doctor
assert_contains "$out" "DOCKER_API_VERSION=1.99"
assert_contains "$out" "maximum supported API version is $daemon_api"

# 7. a pinned version the daemon does support is used as is.
expect_exit 0 env DOCKER_API_VERSION=1.40 "$HOIST" doctor
assert_contains "$out" "pinned by DOCKER_API_VERSION to 1.40"

# 8. -H overrides DOCKER_HOST; usage errors exit 2.
expect_exit 3 "$HOIST" doctor -H "unix://$tmp/missing.sock"
assert_contains "$out" "from the -H/--host flag"
expect_exit 2 "$HOIST" doctor --bogus
expect_exit 2 "$HOIST" doctor -H unix:///x --context y

# 9. a docker CLI chosen with --docker that does not exist fails the check.
expect_exit 3 "$HOIST" doctor --docker "$tmp/no-such-docker"
assert_contains "$out" "not an executable file"
