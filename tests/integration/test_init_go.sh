# test_init_go.sh - hoist init on the Go sample, then a real build on the
# private engine with the offline Go toolchain image made by
# scripts/base-images-go (skipped when it has not been made) and the
# offline busybox runtime: cgo is off for busybox, the VERSION build
# argument reaches the binary through -ldflags, and the server answers.
. "$HOIST_SRC/tests/integration/lib.sh"

docker_cli image inspect hoist-test/golang:1 >/dev/null 2>&1 || skip "hoist-test/golang:1 missing; run scripts/base-images-go"
docker_cli image inspect hoist-test/busybox:1 >/dev/null 2>&1 || skip "hoist-test/busybox:1 missing; run scripts/base-images"

tag=hoist-it-init-go-$$
name=hoist-it-init-go-$$
on_exit "docker_cli rm -f $name >/dev/null 2>&1; docker_cli rmi -f $tag >/dev/null 2>&1"
cp -r "$HOIST_SRC/tests/data/gen/go-sample" "$tmp/app"

expect_exit 0 "$HOIST" init "$tmp/app" --base builder=hoist-test/golang:1 --base runtime=hoist-test/busybox:1
assert_contains "$err" "CGO_ENABLED=0"
assert_contains "$(cat "$tmp/app/Dockerfile")" "ENV CGO_ENABLED=0"
expect_exit 0 "$HOIST" check "$tmp/app" --format gnu
assert_eq "" "$out" "hoist check findings"

expect_exit 0 "$HOIST" build "$tmp/app" -t "$tag" --network none --progress plain --build-arg VERSION=9.8.7
assert_contains "$err" "hoist: built sha256:"
assert_eq "10001:10001" "$(docker_cli image inspect -f '{{.Config.User}}' "$tag")" "image user"
docker_cli run -d --name "$name" --network none "$tag" >/dev/null
got=""
for _ in $(seq 1 50); do
  got=$(docker_cli exec "$name" wget -q -O - http://127.0.0.1:8080/ 2>/dev/null || true)
  [ -n "$got" ] && break
  sleep 0.2
done
assert_eq "hello from greeter 9.8.7" "$got" "server reply"
