# test_init_c_shapes.sh - issue #14 item 14: a Dockerfile hoist init writes
# for a C project must give an image that runs. For each build shape in
# tests/data/gen/c-shapes (a Makefile with only CC and CFLAGS, a Makefile
# that assigns LDFLAGS and links libm, CMake, meson, autotools from
# configure.ac, C++ with make) init targets the offline images
# (--base builder=hoist-test/gcc:12 --base runtime=hoist-test/busybox:1, a
# runtime without any C library), hoist check finds nothing, the build on the
# private engine (network none) succeeds and `docker run` prints the
# program's greeting. C++ is also built for a glibc runtime (dynamic, with
# libstdc++ linked in). A Makefile whose link names the compiler itself
# (no $(CC)) cannot be made static: the build must fail in the build stage
# with the error naming the fix, not produce an image that fails with
# "exec ...: no such file or directory".
. "$HOIST_SRC/tests/integration/lib.sh"

docker_cli image inspect hoist-test/gcc:12 >/dev/null 2>&1 || skip "hoist-test/gcc:12 missing; run scripts/base-images"
docker_cli image inspect hoist-test/busybox:1 >/dev/null 2>&1 || skip "hoist-test/busybox:1 missing; run scripts/base-images"
for tool in cmake meson autoreconf g++; do
  docker_cli run --rm --network none hoist-test/gcc:12 sh -c "command -v $tool" >/dev/null 2>&1 \
    || skip "hoist-test/gcc:12 has no $tool; rerun scripts/base-images gcc (it remakes the image)"
done

shapes=$HOIST_SRC/tests/data/gen/c-shapes
prefix=hoist-it-init-shapes-$$

# build_and_run SHAPE RUNTIME TOOL: init, check, build, run; the program's
# output is left in $ran (no subshell, so that on_exit cleans up the tags).
build_and_run() {
  local shape=$1 runtime=$2 tool=$3 tag=$prefix-$1-${2//[^a-z0-9]/-}
  on_exit "docker_cli rmi -f $tag >/dev/null 2>&1"
  rm -rf "$tmp/$shape"
  cp -r "$shapes/$shape" "$tmp/$shape"
  expect_exit 0 "$HOIST" init "$tmp/$shape" --base builder=hoist-test/gcc:12 --base runtime="$runtime"
  assert_contains "$err" "detected c project ($tool)"
  expect_exit 0 "$HOIST" check "$tmp/$shape" --format gnu
  assert_eq "" "$out" "$shape: hoist check findings"
  run_capture "$HOIST" build "$tmp/$shape" -t "$tag" --network none --progress plain
  [ "$rc" = 0 ] || fail "$shape ($runtime): build failed (exit $rc): $(printf '%s\n' "$err" | tail -30)"
  assert_contains "$err" "hoist: built sha256:"
  ran=$(docker_cli run --rm --network none "$tag" 2>&1) || fail "$shape ($runtime): the image does not run: $ran"
}

static=hoist-test/busybox:1
for shape in cc-only:make cmake:cmake meson:meson autotools:autotools; do
  name=${shape%%:*}
  build_and_run "$name" "$static" "${shape#*:}"
  assert_eq "hello from $name" "$ran" "$name: program output"
  grep -q 'ENV LDFLAGS=-static' "$tmp/$name/Dockerfile" || fail "$name: no static link"
  grep -q 'program interpreter' "$tmp/$name/Dockerfile" || fail "$name: no static check"
done

build_and_run ldflags "$static" make
assert_eq "hello from ldflags 4" "$ran" "ldflags: program output"

build_and_run cxx-glibc "$static" make
assert_eq "hello from cxx-glibc" "$ran" "c++ static: program output"

# a runtime with glibc: dynamic link, libstdc++ linked in, no static check
build_and_run cxx-glibc hoist-test/gcc:12 make
assert_eq "hello from cxx-glibc" "$ran" "c++ on glibc: program output"
grep -q -- '-static-libstdc++' "$tmp/cxx-glibc/Dockerfile" || fail "c++ on glibc: libstdc++ not linked in"
if grep -q 'program interpreter' "$tmp/cxx-glibc/Dockerfile"; then fail "c++ on glibc: static check on a glibc runtime"; fi

# the link names gcc itself: the build stage stops with the fix
tag=$prefix-no-cc-var
on_exit "docker_cli rmi -f $tag >/dev/null 2>&1"
cp -r "$shapes/no-cc-var" "$tmp/no-cc-var"
expect_exit 0 "$HOIST" init "$tmp/no-cc-var" --base builder=hoist-test/gcc:12 --base runtime="$static"
assert_contains "$err" "names no \$(CC)/\$(CXX)"
run_capture "$HOIST" build "$tmp/no-cc-var" -t "$tag" --network none --progress plain
[ "$rc" != 0 ] || fail "no-cc-var: a dynamically linked binary for a runtime without a C library was built"
assert_contains "$out$err" "error: /src/hello is dynamically linked but the runtime image has no C library"
assert_contains "$out$err" "--base runtime=debian:12.7-slim"
if docker_cli image inspect "$tag" >/dev/null 2>&1; then fail "no-cc-var: an image was tagged"; fi
