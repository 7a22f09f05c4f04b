# test_bake.sh - hoist bake over two BuildKit builders driven through the
# Control API: the private engine's /grpc (`docker`) and a second private
# dockerd of this test's own over tcp with mutual TLS (tcp://, detected as a
# Docker engine: its /grpc on the same TLS connection).
# Six targets with a dependency chain; a registry cache pushed by one
# builder is read by the other; the second builder is killed while one of
# its targets runs, and everything finishes on the first; the images equal
# a sequential --no-cache build of the same file (config and file contents).
. "$HOIST_SRC/tests/integration/lib.sh"

: "${HOIST_REGISTRY:?the runner gives the loopback registry}"
main_host=$DOCKER_HOST
id=bake$$
registry=$HOIST_REGISTRY/hoist-it-$id

# The second engine over tcp with mutual TLS (lib.sh; as test_engine_tls).
tls_engine_up bake 23870
second_sock=$tls_engine_sock
# The base image, moved from the private engine as docker save | docker load.
docker_cli save hoist-test/busybox:1 | DOCKER_HOST=$second_sock docker_cli load >/dev/null || fail "moving busybox"
A=docker,name=main
B=tcp://127.0.0.1:$port,certs=$pki/client,name=tls

# Images this test makes on the private engine (the second one goes away).
cleanup_images() {
  docker_cli images --format '{{.Repository}}:{{.Tag}}' | grep -E "^hoist-it-$id|/hoist-it-$id/" |
    xargs -r "${HOIST_TEST_DOCKER:-docker}" rmi -f >/dev/null 2>&1 || true
}
on_exit cleanup_images

# The project: base -> left, right -> left2, right2 -> final.
proj=$tmp/proj && mkdir -p "$proj" && cd "$proj"
mk() { # NAME DOCKERFILE
  mkdir -p "$1" && printf '%b' "$2" > "$1/Dockerfile" && echo "$1 data $id" > "$1/data.txt"
}
mk base 'FROM hoist-test/busybox:1\nCOPY data.txt /base.txt\nRUN sleep 1 && echo base > /built-base\nLABEL stage=base\n'
mk left 'ARG BASE\nFROM ${BASE}\nCOPY data.txt /left.txt\nRUN sleep 3 && cat /base.txt /left.txt > /built-left\n'
mk right 'ARG BASE\nFROM ${BASE}\nCOPY data.txt /right.txt\nRUN sleep 8 && cat /base.txt /right.txt > /built-right\n'
mk left2 'ARG UP\nFROM ${UP}\nRUN echo left2 > /built-left2\n'
mk right2 'ARG UP\nFROM ${UP}\nRUN echo right2 > /built-right2\nENV SIDE=right\n'
mk final 'ARG L\nARG R\nFROM ${R} AS r\nFROM ${L}\nCOPY --from=r /built-right /built-right2 /\nRUN ls / > /built-final\n'
bakefile() { # SUFFIX
  cat <<EOF
{
  "group": {"default": {"targets": ["final"]}},
  "target": {
    "base": {"context": "base", "tags": ["hoist-it-$id-base:$1"], "network": "none"},
    "left": {"context": "left", "contexts": {"BASE": "target:base"}, "tags": ["hoist-it-$id-left:$1"], "network": "none"},
    "right": {"context": "right", "contexts": {"BASE": "target:base"}, "tags": ["hoist-it-$id-right:$1"], "network": "none"},
    "left2": {"context": "left2", "contexts": {"UP": "target:left"}, "tags": ["hoist-it-$id-left2:$1"], "network": "none"},
    "right2": {"context": "right2", "contexts": {"UP": "target:right"}, "tags": ["hoist-it-$id-right2:$1"], "network": "none"},
    "final": {"context": "final", "contexts": {"L": "target:left2", "R": "target:right2"},
              "tags": ["hoist-it-$id-final:$1"], "network": "none"}
  }
}
EOF
}
bakefile par > docker-bake.json
bakefile seq > seq.json

# The plan: dependencies first, six targets.
expect_exit 0 "$HOIST" bake --print
assert_eq 6 "$(grep -c '"context"' <<<"$out")" "targets in the plan"

# Bad input: file, line and fix; a cycle named; exit codes as hoist build.
mkdir -p bad && cd bad
printf '{"target": {\n  "a": {"context": ".", "tags": "x"}}}\n' > tags.json
expect_exit 4 "$HOIST" bake tags.json
assert_contains "$err" "tags.json:2"
assert_contains "$err" '"tags" must be a list'
assert_contains "$err" "hint:"
printf '{"target": {\n "a": {"depends_on": ["b"]},\n "b": {"depends_on": ["a"]}}}\n' > cycle.json
expect_exit 4 "$HOIST" bake cycle.json
assert_contains "$err" "dependency cycle: a -> b -> a"
expect_exit 4 "$HOIST" bake "$proj/docker-bake.json" nope
assert_contains "$err" 'no target or group "nope"'
expect_exit 2 "$HOIST" bake "$proj/docker-bake.json" --builder "tcp://127.0.0.1:1,colour=red"
# the addresses of hoist build --builder, checked by the same parser
expect_exit 2 "$HOIST" bake "$proj/docker-bake.json" --builder "http://127.0.0.1:1"
assert_contains "$err" "is not a BuildKit address"
assert_contains "$err" "docker-container://NAME"
printf '# pool\ndocker,name=a\nunix:///nope.sock,certs=/c\n' > builders.txt
expect_exit 4 "$HOIST" bake "$proj/docker-bake.json" --builders builders.txt
assert_contains "$err" "builders.txt:3"
assert_contains "$err" "certs= is for tcp://"
expect_exit 2 "$HOIST" bake "$proj/docker-bake.json" --engine api
assert_contains "$err" "Control API"
# a builder that does not answer leaves the pool at once; none left: exit 3
expect_exit 3 "$HOIST" bake "$proj/docker-bake.json" --builder "unix://$tmp/no-buildkitd.sock" --progress json
assert_contains "$out" '"type":"bake-builder-lost"'
assert_contains "$err" "no builder left: builder unix://$tmp/no-buildkitd.sock"
# unix:// is buildkitd's socket, as for hoist build: a Docker engine's socket is `docker`
expect_exit 3 "$HOIST" bake "$proj/docker-bake.json" --builder "$main_host" --progress quiet
assert_contains "$err" "is it a Docker engine? use --builder docker"
expect_exit 4 "$HOIST" bake
assert_contains "$err" "no bake file"
# compose: build: sections, image: as the tag, depends_on as the order
mkdir -p c/one c/two
printf 'FROM hoist-test/busybox:1\nRUN echo one > /one\n' > c/one/Dockerfile
printf 'ARG ONE=hoist-it-%s-one:c\nFROM ${ONE}\nRUN cat /one > /two\n' "$id" > c/two/Dockerfile
cat > c/compose.yaml <<EOF
services:
  two:
    build: {context: two, network: none}
    image: hoist-it-$id-two:c
    depends_on: [one, db]
  one:
    build:
      context: one
      network: none
    image: hoist-it-$id-one:c
  db:
    image: postgres:16
EOF
expect_exit 0 "$HOIST" bake c/compose.yaml --progress plain
assert_contains "$out" "two "
assert_eq "one" "$(docker_cli run --rm --network none hoist-it-$id-two:c cat /two)" "compose dependency"
# a failing target skips its dependents, the others still build: exit 1
mkdir -p f/bad f/ok
printf 'FROM hoist-test/busybox:1\nRUN exit 3\n' > f/bad/Dockerfile
printf 'FROM hoist-test/busybox:1\nRUN echo ok > /ok\n' > f/ok/Dockerfile
cat > f/docker-bake.json <<EOF
{"target": {"bad": {"context": "bad", "tags": ["hoist-it-$id-bad:f"], "network": "none"},
            "after": {"context": "ok", "contexts": {"X": "target:bad"}, "network": "none"},
            "ok": {"context": "ok", "tags": ["hoist-it-$id-ok:f"], "network": "none"}}}
EOF
expect_exit 1 "$HOIST" bake f/docker-bake.json --progress plain
assert_contains "$out" "failed"
assert_contains "$out" "skipped"
assert_contains "$(grep '^ok ' <<<"$out")" "done"
# interrupted: exit 130, the build stopped on the engine
mkdir -p i && printf 'FROM hoist-test/busybox:1\nRUN sleep 60\n' > i/Dockerfile
echo '{"target": {"i": {"context": ".", "no-cache": true, "network": "none"}}}' > i/docker-bake.json
run_capture timeout --preserve-status -s INT 5 "$HOIST" bake i/docker-bake.json --progress quiet
assert_eq 130 "$rc" "interrupted bake"
cd "$proj"

# 1. Shared registry cache: base built on main pushes its inline cache; the
#    second engine, which never built it, reads it back: its steps are cached.
expect_exit 0 "$HOIST" bake base --builder "$A" --registry "$registry" --progress json
assert_contains "$out" "cache pushed to $registry/hoist-bake-cache:base"
summary=$(grep '"bake-summary"' <<<"$out")
assert_contains "$summary" '"builder":"main","address":"docker","kind":"dockerd"'
assert_contains "$summary" "Control API on the builder docker"
assert_contains "$out" "its /grpc endpoint"
expect_exit 0 "$HOIST" bake base --builder "$B" --registry "$registry" --progress json
summary=$(grep '"bake-summary"' <<<"$out")
assert_contains "$summary" "\"builder\":\"tls\",\"address\":\"tcp://127.0.0.1:$port\",\"kind\":\"dockerd\""
assert_contains "$summary" "Control API on the builder tcp://127.0.0.1:$port"
assert_contains "$summary" '"status":"done"'
# the Control API over TLS, the second engine's /grpc; the image named there by the moby exporter
assert_contains "$out" "TLS without ALPN h2: a Docker engine"
assert_contains "$out" "the builder's engine is the engine hoist builds for"
DOCKER_HOST=$second_sock docker_cli image inspect "hoist-it-$id-base:par" >/dev/null ||
  fail "base is not in the second engine's store"
cached=$(sed -n 's/.*"cached":\([0-9]*\).*/\1/p' <<<"$summary")
[ "${cached:-0}" -ge 2 ] || fail "the second builder did not use the registry cache (cached $cached): $summary"
note "registry cache: $cached steps cached on the second builder"

# 2. Both builders, two jobs; kill the second engine while right's RUN sleeps there.
logs=$tmp/logs
"$HOIST" bake --builder "$A" --builder "$B" --jobs 2 --logs "$logs" --progress json >"$tmp/bake.out" 2>"$tmp/bake.err" &
bake_pid=$!
on_exit "kill $bake_pid 2>/dev/null"
victim=
for _ in $(seq 1 600); do
  for f in "$logs"/*.log; do
    [ -f "$f" ] || continue
    if grep -q "started on tls" "$f" && grep -q "RUN sleep" "$f"; then victim=$(basename "$f" .log); break 2; fi
  done
  kill -0 $bake_pid 2>/dev/null || break
  sleep 0.1
done
[ -n "$victim" ] || fail "no target ran a RUN on the second builder: $(cat "$tmp/bake.err" "$logs"/*.log 2>/dev/null | tail -20)"
sleep 0.5
kill -KILL "$(cat "$HOIST_ENGINE_RUN/dockerd.pid")"
note "killed the second engine while $victim ran on it"
set +e; wait $bake_pid; rc=$?; set -e
out=$(cat "$tmp/bake.out")
[ "$rc" = 0 ] || fail "bake exited $rc: $(tail -30 "$tmp/bake.err") $(tail -5 <<<"$out")"
assert_contains "$out" '"type":"bake-builder-lost"'
assert_contains "$out" "\"type\":\"bake-retry\",\"target\":\"$victim\""
summary=$(grep '"bake-summary"' <<<"$out")
for t in base left right left2 right2 final; do
  row=$(grep -o "{\"target\":\"$t\"[^}]*}" <<<"$summary")
  assert_contains "$row" '"status":"done"' "$t"
  assert_contains "$row" '"builder":"main"' "$t (finished on the remaining builder)"
  assert_contains "$row" "Control API on the builder docker" "$t"
done
# both builders ran targets through the Control API before the kill
assert_contains "$out" '"type":"bake-started","target":"'"$victim"'","builder":"tls"'
assert_contains "$(grep '"bake-started"' <<<"$out" | grep '"builder":"tls"')" "TLS without ALPN h2"
assert_contains "$(grep '"bake-builder-lost"' <<<"$out")" "went away mid-build"
assert_contains "$(grep -o "{\"target\":\"$victim\"[^}]*}" <<<"$summary")" '"attempts":2'
# JSON events carry their target; logs exist per target.
assert_contains "$out" '"type":"step","target":"final"'
for t in base left right left2 right2 final; do [ -s "$logs/$t.log" ] || fail "no log for $t"; done
assert_contains "$(cat "$logs/$victim.log")" "retry on tls"

# 3. The same file built sequentially without cache on the private engine.
expect_exit 0 "$HOIST" bake seq.json --jobs 1 --no-cache --progress quiet
for t in base left right left2 right2 final; do
  par=hoist-it-$id-$t:par seq=hoist-it-$id-$t:seq
  cfg() { docker_cli image inspect -f '{{json .Config.Env}} {{json .Config.Cmd}} {{json .Config.Labels}} {{json .Config.WorkingDir}} {{json .RootFS.Layers | len}}' "$1"; }
  assert_eq "$(cfg "$seq")" "$(cfg "$par")" "image config of $t"
  files() { docker_cli run --rm --network none "$1" sh -c 'for f in /*.txt /built-*; do echo "== $f"; cat "$f"; done'; }
  assert_eq "$(files "$seq")" "$(files "$par")" "files of $t"
done
docker_cli ps -a --filter ancestor=hoist-it-$id-final:par -q | xargs -r docker_cli rm -f >/dev/null 2>&1 || true
