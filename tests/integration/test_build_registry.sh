# test_build_registry.sh - builds whose base image comes from the private
# registry (127.0.0.1 only): a pull that works, with credentials from
# DOCKER_CONFIG sent and never shown, and the failures users hit with
# registries, each with its own hint: an unknown tag, an unreachable
# registry. Through both daemon-side engines (api: classic builder; buildkit:
# native BuildKit, which pulls into its own store, not the image list).
. "$HOIST_SRC/tests/integration/lib.sh"

: "${HOIST_REGISTRY:?the private registry is not up (scripts/engine up)}"
base=$HOIST_REGISTRY/hoist-it/base-$$:1
tag=hoist-it-reg-$$
on_exit "docker_cli rmi -f $base $tag >/dev/null 2>&1"
cd "$tmp"

# Put a base image into the registry, then remove it from the engine so
# that the build has to pull it.
docker_cli tag hoist-test/busybox:1 "$base"
docker_cli push "$base" >/dev/null 2>&1 || fail "push to the private registry $HOIST_REGISTRY failed"
docker_cli rmi "$base" >/dev/null
mkdir -p dockercfg
canary="RegistryPw42-canary-$$"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$HOIST_REGISTRY" "$(printf 'ci:%s' "$canary" | base64 -w0)" > dockercfg/config.json

for engine in ${HOIST_TEST_ENGINES:-api buildkit}; do
note "engine $engine"
mkdir -p app && printf 'FROM %s\nRUN echo pulled > /pulled\n' "$base" > app/Dockerfile
DOCKER_CONFIG=$tmp/dockercfg expect_exit 0 "$HOIST" build --engine "$engine" app -t "$tag" --network none --progress plain
CANARY_USER=ci assert_no_canary "$canary"
assert_eq "pulled" "$(docker_cli run --rm --network none "$tag" cat /pulled)" "image built on the pulled base"
if [ "$engine" = api ]; then
  docker_cli image inspect "$base" >/dev/null || fail "the base image was not pulled from $HOIST_REGISTRY"
else
  assert_contains "$err" "$base"
fi
# the JSON events too, and a failing build's error message
DOCKER_CONFIG=$tmp/dockercfg expect_exit 0 "$HOIST" build --engine "$engine" app -t "$tag" --network none --progress json
CANARY_USER=ci assert_no_canary "$canary"
printf 'FROM %s\nRUN exit 3\n' "$base" > app/Dockerfile.fail
DOCKER_CONFIG=$tmp/dockercfg expect_exit 1 "$HOIST" build --engine "$engine" app -f app/Dockerfile.fail --network none --progress json
CANARY_USER=ci assert_no_canary "$canary"
# the next engine pulls it again
if [ "$engine" = api ]; then docker_cli rmi "$base" >/dev/null; fi

# An unknown tag in a reachable registry.
printf 'FROM %s/hoist-it/none-%s:1\nRUN true\n' "$HOIST_REGISTRY" "$$" > app/Dockerfile
expect_exit 1 "$HOIST" build --engine "$engine" app --network none
assert_contains "$err" "Dockerfile:1: FROM"
assert_contains "$err" "no such tag"

# A registry the daemon cannot reach (its proxies point at a dead port).
printf 'FROM registry.invalid/team/base:1\nRUN true\n' > app/Dockerfile
expect_exit 1 "$HOIST" build --engine "$engine" app --network none
assert_contains "$err" "is not on this engine"
assert_contains "$err" "registry.invalid"
done
