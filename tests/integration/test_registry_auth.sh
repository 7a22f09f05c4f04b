# test_registry_auth.sh - registry credentials end to end against a real
# docker-registry with htpasswd (bcrypt) authentication on 127.0.0.1,
# started and stopped here: a push without credentials, with config.json
# auths, through a credsStore and a credHelpers helper on PATH, with a
# wrong password, a helper that is missing, fails or hangs; the pushed
# image pulled back by a classic build (X-Registry-Config); hoist doctor
# --registry on the same cases. A canary password is planted and must
# never appear in any output, JSON event or log of hoist.
. "$HOIST_SRC/tests/integration/lib.sh"
. "$HOIST_SRC/tests/integration/registry/lib_registry.sh"

canary="Canary-Pw-$$-q7"
user=ci
start_basic_registry "$user" "$canary"
repo=hoist-it/auth-$$
image=$REG_BASIC/$repo:1
tag=hoist-it-regauth-$$
on_exit "docker_cli rmi -f $image $tag >/dev/null 2>&1"
docker_cli tag hoist-test/busybox:1 "$image"
cd "$tmp"

all=$tmp/all-output
# hoist_run CODE ARGS...: hoist with ARGS must exit CODE; output is kept for the canary check
hoist_run() {
  local code=$1; shift
  expect_exit "$code" "$HOIST" "$@"
  printf '%s\n%s\n' "$out" "$err" >> "$all"
}
export HOIST_CREDENTIAL_TIMEOUT=2

# 1. no credentials at all: diagnosed, with the fix
mkdir -p empty
DOCKER_CONFIG=$tmp/empty hoist_run 1 push --progress plain "$image"
assert_contains "$err" "requires credentials and none are configured"
assert_contains "$err" "docker login $REG_BASIC"
DOCKER_CONFIG=$tmp/empty hoist_run 3 doctor --registry "$REG_BASIC/$repo"
assert_contains "$out" "access is anonymous"
assert_contains "$out" "Basic"
assert_contains "$out" "docker login $REG_BASIC"

# 2. config.json auths: push works, per-layer progress, digest on stdout
auth_config file "$REG_BASIC" "$user" "$canary"
hoist_run 0 push --config "$tmp/file" --progress plain "$image"
assert_contains "$out" "$image@sha256:"
assert_contains "$err" "credentials: file"
assert_contains "$err" "Pushed"
digest=${out##*@}
# json: one event per line, the last one "pushed" with the digest
hoist_run 0 push --config "$tmp/file" --progress json "$image"
echo "$out" | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.strip()]
assert lines[-1]["type"] == "pushed", lines[-1]
assert lines[-1]["digest"] == sys.argv[1], lines[-1]
assert lines[-1]["credentials"] == "file"
assert any(l.get("type") == "pull" and l.get("id") for l in lines[:-1]), lines
' "$digest" || fail "push --progress json: unexpected events: $out"
hoist_run 0 doctor --config "$tmp/file" --registry "$REG_BASIC/$repo" --push --json
echo "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
st = {c["id"]: c["status"] for c in r["checks"]}
assert r["usable"] and st["credentials"] == "pass" and st["pull"] == "pass" and st["push"] == "pass", st
assert [c for c in r["checks"] if c["id"] == "credentials"][0]["details"]["source"] == "file"
' || fail "doctor --registry with auths: $out"

# 3. pulled back by a classic build: X-Registry-Config from the same config
docker_cli rmi "$image" >/dev/null
mkdir -p app && printf 'FROM %s\nRUN echo back > /back\n' "$image" > app/Dockerfile
DOCKER_CONFIG=$tmp/file hoist_run 0 build app -t "$tag" --network none --engine api --progress plain
assert_eq "back" "$(docker_cli run --rm --network none "$tag" cat /back)" "image built on the pulled-back base"

# 4. credsStore and credHelpers: helpers on PATH
helper_script "$tmp/bin" hoiststore "$user" "$canary"
helper_script "$tmp/bin" hoistone "$user" "$canary"
mkdir -p store one
printf '{"credsStore":"hoiststore"}' > store/config.json
printf '{"auths":{"%s":{"auth":"%s"}},"credHelpers":{"%s":"hoistone"}}' "$REG_BASIC" \
  "$(printf 'ci:wrong' | base64 -w0)" "$REG_BASIC" > one/config.json
PATH=$tmp/bin:$PATH DOCKER_CONFIG=$tmp/store hoist_run 0 push --progress plain "$image"
assert_contains "$err" "credentials: store"
PATH=$tmp/bin:$PATH DOCKER_CONFIG=$tmp/one hoist_run 0 push --progress plain "$image"
assert_contains "$err" "credentials: helper"
PATH=$tmp/bin:$PATH DOCKER_CONFIG=$tmp/store hoist_run 0 doctor --registry "$REG_BASIC/$repo" --push
assert_contains "$out" "docker-credential-hoiststore answered"

# 5. a helper that is missing, fails, or hangs: exit 3, the helper named
printf '{"credsStore":"hoistmissing"}' > store/config.json
DOCKER_CONFIG=$tmp/store hoist_run 3 push "$image"
assert_contains "$err" "docker-credential-hoistmissing"
assert_contains "$err" "not installed"
printf '#!/bin/sh\necho "keychain locked"; exit 1\n' > bin/docker-credential-hoistfail
printf '#!/bin/sh\nsleep 60\n' > bin/docker-credential-hoistslow
chmod 755 bin/docker-credential-hoistfail bin/docker-credential-hoistslow
printf '{"credsStore":"hoistfail"}' > store/config.json
PATH=$tmp/bin:$PATH DOCKER_CONFIG=$tmp/store hoist_run 3 push "$image"
assert_contains "$err" "keychain locked"
PATH=$tmp/bin:$PATH DOCKER_CONFIG=$tmp/store hoist_run 3 doctor --registry "$REG_BASIC/$repo"
assert_contains "$out" "fail  helper"
printf '{"credsStore":"hoistslow"}' > store/config.json
start=$SECONDS
PATH=$tmp/bin:$PATH DOCKER_CONFIG=$tmp/store hoist_run 3 push "$image"
assert_contains "$err" "did not answer"
[ $((SECONDS - start)) -lt 20 ] || fail "a slow helper was waited for ($((SECONDS - start)) s)"
# the build path uses the same module (X-Registry-Config); like docker build
# it goes on without that registry's credentials, and says why: here the
# base image then cannot be pulled
docker_cli rmi "$image" >/dev/null
PATH=$tmp/bin:$PATH DOCKER_CONFIG=$tmp/store hoist_run 1 build app --network none --engine api --progress plain
assert_contains "$err" "warning: credentials: credential helper docker-credential-hoistslow did not answer"
docker_cli tag hoist-test/busybox:1 "$image"

# 6. a wrong password: rejected, and said so
auth_config wrong "$REG_BASIC" "$user" "not-the-$canary"
hoist_run 1 push --config "$tmp/wrong" "$image"
assert_contains "$err" "rejected the credentials"
hoist_run 3 doctor --config "$tmp/wrong" --registry "$REG_BASIC/$repo" --push
assert_contains "$out" "fail  pull"
assert_contains "$out" "skip  push"

# 7. a malformed config names file and line, never its content
printf '{"auths":{\n"%s":{"auth":"%s" oops}}}\n' "$REG_BASIC" "$canary" > wrong/config.json
hoist_run 3 push --config "$tmp/wrong" "$image"
assert_contains "$err" "$tmp/wrong/config.json:2"

# the canary never appears in anything hoist printed
assert_not_contains "$(cat "$all")" "$canary" "hoist's output"
assert_not_contains "$(cat "$all")" "$(printf '%s:%s' "$user" "$canary" | base64 -w0)" "hoist's output"
