# test_registry_token.sh - a registry with token authentication (Bearer
# realm/service, RS256 tokens from tests/integration/registry/token_server.py)
# served over TLS by a test CA, all on 127.0.0.1 and started here: doctor
# --registry sees the Bearer challenge, the untrusted CA (a warning, since
# the daemon treats loopback as insecure; trusted with --ca-file), pull and
# push scope; a user with pull-only access is denied a push, diagnosed by
# push and by doctor; `hoist build --push` builds and pushes; the image is
# pulled back. A canary password never appears in any output.
. "$HOIST_SRC/tests/integration/lib.sh"
. "$HOIST_SRC/tests/integration/registry/lib_registry.sh"

canary="Canary-Tok-$$-z3"
start_token_registry "{\"writer\":{\"password\":\"$canary\",\"actions\":[\"pull\",\"push\"]},
                       \"reader\":{\"password\":\"reader-$canary\",\"actions\":[\"pull\"]}}"
repo=hoist-it/token-$$
image=$REG_TOKEN/$repo:1
built=$REG_TOKEN/$repo:built
tag=hoist-it-regtok-$$
on_exit "docker_cli rmi -f $image $built $tag >/dev/null 2>&1"
docker_cli tag hoist-test/busybox:1 "$image"
cd "$tmp"
all=$tmp/all-output
hoist_run() {
  local code=$1; shift
  expect_exit "$code" "$HOIST" "$@"
  printf '%s\n%s\n' "$out" "$err" >> "$all"
}
auth_config writer "$REG_TOKEN" writer "$canary"
auth_config reader "$REG_TOKEN" reader "reader-$canary"

# doctor: Bearer challenge, untrusted CA (warning), tokens for pull and push
hoist_run 0 doctor --config "$tmp/writer" --registry "$REG_TOKEN/$repo" --push
assert_contains "$out" "Bearer, token realm $REG_REALM (service hoist-token-test)"
assert_contains "$out" "warn  TLS"
assert_contains "$out" "not trusted"
assert_contains "$out" "pass  push"
assert_contains "$out" "token grants pull,push"
hoist_run 0 doctor --config "$tmp/writer" --registry "$REG_TOKEN/$repo" --push --ca-file "$REG_TOKEN_CA" --json
echo "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
st = {c["id"]: c["status"] for c in r["checks"]}
assert r["usable"] and st["tls"] == "pass" and st["challenge"] == "pass" and st["push"] == "pass", st
ch = [c for c in r["checks"] if c["id"] == "challenge"][0]["details"]
assert ch["scheme"] == "bearer" and ch["service"] == "hoist-token-test", ch
' || fail "doctor --json with --ca-file: $out"

# the reader may pull but not push: doctor says so, exit 3
hoist_run 3 doctor --config "$tmp/reader" --registry "$REG_TOKEN/$repo" --push
assert_contains "$out" "pass  pull"
assert_contains "$out" "fail  push"
assert_contains "$out" "the token grants only pull"
# a wrong password: the realm refuses the token
auth_config bad "$REG_TOKEN" writer "nope"
hoist_run 3 doctor --config "$tmp/bad" --registry "$REG_TOKEN/$repo"
assert_contains "$out" "answered HTTP 401"
assert_contains "$out" "log in again"

# push as the reader: denied, diagnosed with the fix
hoist_run 1 push --config "$tmp/reader" --progress plain "$image"
assert_contains "$err" "push $image"
assert_contains "$err" "hint:"
case "$err" in
  *"lack permission"*|*"rejected the credentials"*) ;;
  *) fail "denied push not diagnosed: $err" ;;
esac
# push as the writer
hoist_run 0 push --config "$tmp/writer" --progress json "$image"
assert_contains "$out" '"type":"pushed"'

# hoist build --push (classic engine): build, then push the tag
mkdir -p app && printf 'FROM hoist-test/busybox:1\nRUN echo token > /token\n' > app/Dockerfile
DOCKER_CONFIG=$tmp/writer hoist_run 0 build app -t "$built" --push --network none --engine api --progress plain
assert_contains "$err" "pushed $built@sha256:"
# and pulled back: remove it, then build FROM it
docker_cli rmi "$built" >/dev/null
printf 'FROM %s\nRUN cat /token\n' "$built" > app/Dockerfile
DOCKER_CONFIG=$tmp/writer hoist_run 0 build app -t "$tag" --network none --engine api --progress plain
assert_eq "token" "$(docker_cli run --rm --network none "$tag" cat /token)" "image pulled back from the token registry"

assert_not_contains "$(cat "$all")" "$canary" "hoist's output"
assert_not_contains "$(cat "$tmp/token-server.log")" "$canary" "the token server's log"
