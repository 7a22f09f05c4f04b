# test_threads.sh - 16 builds at once from 16 threads of one process through
# libhoist (tests/threads/stress.c: each thread its own client, context
# directory and tag), over the Engine API (classic builder) and through the
# native BuildKit session. Every build must succeed, and each tag must name
# the image id its thread was given; then the images are removed.
# tests/run-tsan runs this with HOIST_STRESS set to its ThreadSanitizer
# build of the program.
. "$HOIST_SRC/tests/integration/lib.sh"

stress=${HOIST_STRESS:-$HOIST_SRC/build/tests/threads/stress}
[ -x "$stress" ] || skip "$stress not built"
prefix=hoist-it-threads-$$
remove_images() { docker_cli image rm -f $(docker_cli image ls -q --filter "reference=$prefix-*" | sort -u) >/dev/null 2>&1 || true; }
on_exit remove_images
for engine in api bk; do
  mkdir -p "$tmp/$engine"
  run_capture "$stress" threads 16 --engine "$engine" "$tmp/$engine" "$prefix-$engine"
  [ "$rc" = 0 ] || fail "$engine: threaded builds failed (exit $rc): $err"
  assert_eq 16 "$(grep -c '^tag ' <<<"$out")" "$engine: builds reported"
  while read -r _ tag id; do
    got=$(docker_cli image inspect --format '{{.Id}}' "$tag") || fail "tag $tag is missing"
    assert_eq "$id" "$got" "image id of $tag"
    n=${tag##*-t}
    assert_eq "$n" "$(docker_cli image inspect --format '{{index .Config.Labels "hoist.stress.thread"}}' "$tag")" "label of $tag"
  done <<<"$out"
  # distinct contexts gave distinct images
  assert_eq 16 "$(awk '{print $3}' <<<"$out" | sort -u | wc -l | tr -d ' ')" "$engine: distinct image ids"
done
