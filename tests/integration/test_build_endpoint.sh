# test_build_endpoint.sh - the CLI engine builds on the daemon the client
# resolved: a library caller sets the endpoint in code (build_endpoint, a
# helper program) while DOCKER_HOST and DOCKER_CONTEXT name something else;
# a wrapper `docker` records what the child got (-H from the endpoint, no
# DOCKER_HOST/DOCKER_CONTEXT) and runs the real CLI, and the image lands on
# the private engine. The same holds for `hoist build --engine cli -H`.
. "$HOIST_SRC/tests/integration/lib.sh"

helper=$(dirname "$HOIST")/tests/build_endpoint
[ -x "$helper" ] || fail "$helper not built"
real_docker=$(command -v "${HOIST_TEST_DOCKER:-docker}") || skip "no docker CLI"
tag=hoist-it-endpoint-$$
on_exit "docker_cli rmi -f $tag $tag-2 >/dev/null 2>&1"
engine_host=$DOCKER_HOST

mkdir -p "$tmp/bin" "$tmp/app"
cat >"$tmp/bin/docker" <<SH
#!/bin/sh
case "\$*" in *" build "*|*" build"|build*) printf '%s\n' "\$@" >"$tmp/argv.log"; env | grep '^DOCKER' | sort >"$tmp/env.log";; esac
exec "$real_docker" "\$@"
SH
chmod +x "$tmp/bin/docker"
printf 'FROM hoist-test/busybox:1\nRUN echo endpoint-from-code > /where\n' >"$tmp/app/Dockerfile"

# 1. The library: endpoint set in code, the environment pointing nowhere.
expect_exit 0 env DOCKER_HOST="unix://$tmp/not-a-daemon.sock" DOCKER_CONTEXT=no-such-context \
  DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$tmp/no-certs" \
  "$helper" "$engine_host" "$tmp/app" "$tag" "$tmp/bin/docker"
assert_contains "$out" "built sha256:"
assert_contains "$out" "with cli"
argv=$(cat "$tmp/argv.log")
assert_eq "-H" "$(sed -n 1p "$tmp/argv.log")" "first argument"
assert_eq "$engine_host" "$(sed -n 2p "$tmp/argv.log")" "-H value"
assert_not_contains "$argv" "--context"
assert_not_contains "$argv" "not-a-daemon"
env_seen=$(cat "$tmp/env.log")
assert_not_contains "$env_seen" "DOCKER_HOST="
assert_not_contains "$env_seen" "DOCKER_CONTEXT="
assert_not_contains "$env_seen" "DOCKER_CERT_PATH="
assert_eq "endpoint-from-code" "$(docker_cli run --rm --network none "$tag" cat /where)" "image on the engine"

# 2. The CLI: -H beats DOCKER_HOST for the child too, and --context is
# resolved by hoist (an unknown one fails before any docker CLI runs).
rm -f "$tmp/argv.log"
expect_exit 0 env DOCKER_HOST="unix://$tmp/not-a-daemon.sock" HOIST_DOCKER="$tmp/bin/docker" \
  "$HOIST" build --engine cli -H "$engine_host" "$tmp/app" -t "$tag-2" --network none --progress plain
assert_eq "$engine_host" "$(sed -n 2p "$tmp/argv.log")" "-H value from hoist build"
rm -f "$tmp/argv.log"
expect_exit 3 env HOIST_DOCKER="$tmp/bin/docker" "$HOIST" build --engine cli --context no-such-context "$tmp/app"
[ ! -e "$tmp/argv.log" ] || fail "the docker CLI ran for an unknown context"
