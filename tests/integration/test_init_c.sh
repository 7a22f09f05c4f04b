# test_init_c.sh - hoist init on the C sample, then a real build on the
# private engine with the offline images (--base builder=hoist-test/gcc:12
# --base runtime=hoist-test/busybox:1): the generated Dockerfile is the
# reviewed one, `hoist check` finds nothing, the build succeeds and the image
# prints the sample's greeting as a non-root user.
. "$HOIST_SRC/tests/integration/lib.sh"

docker_cli image inspect hoist-test/gcc:12 >/dev/null 2>&1 || skip "hoist-test/gcc:12 missing; run scripts/base-images"
docker_cli image inspect hoist-test/busybox:1 >/dev/null 2>&1 || skip "hoist-test/busybox:1 missing; run scripts/base-images"

tag=hoist-it-init-c-$$
on_exit "docker_cli rmi -f $tag >/dev/null 2>&1"
cp -r "$HOIST_SRC/tests/data/gen/c-sample" "$tmp/app"
# a stale dynamically linked binary from a local build must not reach the image
printf 'not a binary\n' > "$tmp/app/greet"
touch -d '+1 hour' "$tmp/app/greet" 2>/dev/null || true

expect_exit 0 "$HOIST" init "$tmp/app" --base builder=hoist-test/gcc:12 --base runtime=hoist-test/busybox:1
assert_contains "$err" "detected c project (make)"
assert_contains "$err" "linking"
assert_contains "$err" "static (-static through every route, checked)"
assert_eq "$(cat "$HOIST_SRC/tests/data/gen/expected/c-offline.Dockerfile")" "$(cat "$tmp/app/Dockerfile")" "generated Dockerfile"
grep -qx 'greet' "$tmp/app/.dockerignore" || fail ".dockerignore does not exclude the local binary"

expect_exit 0 "$HOIST" check "$tmp/app" --format gnu
assert_eq "" "$out" "hoist check findings"

expect_exit 0 "$HOIST" build "$tmp/app" -t "$tag" --network none --progress plain
assert_contains "$err" "hoist: built sha256:"
run_out=$(docker_cli run --rm --network none "$tag")
assert_eq "hello from the c sample" "$run_out" "program output"
assert_eq "10001:10001" "$(docker_cli image inspect -f '{{.Config.User}}' "$tag")" "image user"
assert_eq "[/usr/local/bin/greet]" "$(docker_cli image inspect -f '{{.Config.Entrypoint}}' "$tag")" "entrypoint"
