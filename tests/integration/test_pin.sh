# test_pin.sh - hoist pin against the private registry (127.0.0.1): every
# FROM image:tag gets the digest the registry reports, comments and layout
# are kept byte for byte, ARG-built references, stages and scratch are left
# alone; --check passes on current pins, fails (exit 1) on a stale one
# after the tag moves, and `pin` updates it; the engine's RepoDigests are
# used when the registry cannot be reached from hoist (dead proxy in
# hoist's environment only); a Dockerfile with a syntax error is exit 4
# and is not touched.
. "$HOIST_SRC/tests/integration/lib.sh"

: "${HOIST_REGISTRY:?the private registry is not up (scripts/engine up)}"
ref=$HOIST_REGISTRY/hoist-it/pin-$$:1
other=hoist-it-pin-other-$$
on_exit "docker_cli rmi -f $ref $other >/dev/null 2>&1"
docker_cli tag hoist-test/busybox:1 "$ref"
docker_cli push "$ref" >/dev/null 2>&1 || fail "push to $HOIST_REGISTRY failed"
digest=$(docker_cli image inspect --format '{{range .RepoDigests}}{{.}} {{end}}' "$ref" | tr ' ' '\n' | grep "pin-$$@" | sed 's/.*@//')
[ -n "$digest" ] || fail "no RepoDigest recorded for $ref"
cd "$tmp"

cat > Dockerfile <<DF
# syntax=docker/dockerfile:1
# the base, pinned by hoist
FROM --platform=\$BUILDPLATFORM   $ref   AS base
ARG TAG=1
FROM hoist-test/busybox:\${TAG}

  # an indented comment
FROM base
RUN echo hi \\
    && echo there
FROM scratch AS empty
from $ref
DF
sed "s|$ref|$ref@$digest|" Dockerfile > expected

expect_exit 1 "$HOIST" pin --check
assert_contains "$out" "Dockerfile:3: unpinned $ref, currently $digest (registry)"
assert_contains "$out" "Dockerfile:5: skipped"
cmp -s Dockerfile expected && fail "--check wrote the file"

expect_exit 0 "$HOIST" pin
assert_contains "$out" "Dockerfile:3: pinned   $ref@$digest (registry)"
assert_contains "$out" "Dockerfile:12: pinned"
cmp Dockerfile expected || fail "pin changed more than the references: $(diff Dockerfile expected)"
expect_exit 0 "$HOIST" pin --check --json
echo "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
st = [e["state"] for e in r["entries"]]
assert r["ok"] and not r["written"] and st == ["current", "skipped", "skipped", "skipped", "current"], st
' || fail "pin --check --json: $out"

# the tag moves: the pin is stale
mkdir -p app && printf 'FROM hoist-test/busybox:1\nRUN echo moved > /moved\n' > app/Dockerfile
expect_exit 0 "$HOIST" build app -t "$ref" --network none --engine api --progress quiet
expect_exit 0 "$HOIST" push -q "$ref"
new=${out##*@}
[ "$new" != "$digest" ] || fail "the tag did not move"
expect_exit 1 "$HOIST" pin --check
assert_contains "$out" "Dockerfile:3: stale    $ref@$digest, now $new"
assert_contains "$err" "hoist pin Dockerfile"
expect_exit 0 "$HOIST" pin
assert_contains "$out" "updated"
grep -q "$ref@$new   AS base" Dockerfile || fail "stale digest not replaced: $(cat Dockerfile)"

# the registry unreachable from hoist (not from the engine): RepoDigests
http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 no_proxy= NO_PROXY= \
  expect_exit 0 "$HOIST" pin --check
assert_contains "$out" "current  $ref@$new (engine)"
# neither: the failure says both why
docker_cli tag hoist-test/busybox:1 "$other"
printf 'FROM %s\n' "$other" > Other.Dockerfile
http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 no_proxy= NO_PROXY= \
  expect_exit 1 "$HOIST" pin Other.Dockerfile
assert_contains "$out" "failed"
assert_contains "$out" "no registry digest"
assert_eq "FROM $other" "$(cat Other.Dockerfile)" "a file whose pin failed"

# an invalid Dockerfile: exit 4, untouched, no temporary file left
printf 'FROM %s\nCOPY\n' "$ref" > Bad.Dockerfile
expect_exit 4 "$HOIST" pin Bad.Dockerfile
assert_contains "$err" "Bad.Dockerfile:2"
[ -z "$(ls | grep hoist-pin)" ] || fail "temporary files left: $(ls)"

# hoist init --pin digest: the generated Dockerfile's bases pinned once written
cp -r "$HOIST_SRC/tests/data/gen/c-sample" "$tmp/capp"
expect_exit 0 "$HOIST" init "$tmp/capp" --base builder="$ref" --base runtime="$ref" --pin digest
assert_contains "$err" "pinned $ref@$new (registry)"
grep -q "^FROM $ref@$new AS" "$tmp/capp/Dockerfile" || fail "init --pin digest: $(cat "$tmp/capp/Dockerfile")"
expect_exit 0 "$HOIST" pin --check "$tmp/capp/Dockerfile"
expect_exit 2 "$HOIST" init "$tmp/capp" --pin digest --stdout
