# test_build_cli.sh - the CLI engine and automatic engine choice against the
# real private engine: the same builds through `docker build` (classic, via
# the recent CLI first on PATH) and BuildKit (Debian's 20.10 CLI in
# /usr/bin), identical results to the API engine, relative paths from an
# unrelated directory, RUN --mount through auto, a missing CLI, SIGINT.
. "$HOIST_SRC/tests/integration/lib.sh"

BUILDKIT_CLI=/usr/bin/docker      # Debian's docker.io: built-in BuildKit
[ -x "$BUILDKIT_CLI" ] || skip "no $BUILDKIT_CLI (docker.io)"
tag=hoist-it-cli-$$
on_exit "docker_cli rmi -f $tag-api $tag-classic $tag-bk $tag-rel $tag-mount $tag-fail >/dev/null 2>&1"
cd "$tmp"
hello=$HOIST_SRC/examples/hello-c

# 1. API, then the CLI with the classic builder: same builder, same cache,
#    so the very same image; labels and iidfile agree.
expect_exit 0 "$HOIST" build "$hello" --engine api -t "$tag-api" --label l=1 --network none --iidfile iid-api
expect_exit 0 "$HOIST" build "$hello" --engine cli --docker "$(command -v docker)" -t "$tag-classic" --label l=1 \
  --network none --iidfile iid-classic --progress plain
assert_contains "$err" "engine cli ("
assert_contains "$err" ": RUN make  (Dockerfile:5)"
[ "$(docker_cli version --format '{{.Client.Version}}' | cut -d. -f1)" -ge 23 ] && assert_contains "$err" "classic"
assert_eq "$(cat iid-api)" "$(cat iid-classic)" "API and classic CLI image IDs"
assert_eq "$(docker_cli image inspect -f '{{.Id}}' "$tag-classic")" "$(cat iid-classic)" "iidfile (cli)"

# 2. BuildKit through the 20.10 CLI: same contents, labels and behaviour.
expect_exit 0 "$HOIST" build "$hello" --engine cli --docker "$BUILDKIT_CLI" -t "$tag-bk" --label l=1 \
  --network none --iidfile iid-bk --progress plain
assert_contains "$err" "buildkit"
assert_contains "$err" "(Dockerfile:5)"
assert_eq "$(docker_cli image inspect -f '{{.Id}}' "$tag-bk")" "$(cat iid-bk)" "iidfile (buildkit)"
assert_eq "$(docker_cli run --rm --network none "$tag-api")" "$(docker_cli run --rm --network none "$tag-bk")" "output"
for field in '{{json .Config.Labels}}' '{{json .Config.Entrypoint}}' '{{.Config.User}}'; do
  assert_eq "$(docker_cli image inspect -f "$field" "$tag-api")" "$(docker_cli image inspect -f "$field" "$tag-bk")" "$field"
done
sum() { docker_cli run --rm --network none --entrypoint /bin/sh "$1" -c 'md5sum /usr/local/bin/hello | cut -d" " -f1'; }
assert_eq "$(sum "$tag-api")" "$(sum "$tag-bk")" "binary in the image"

# 3. from an unrelated directory, relative context and relative -f.
mkdir -p work/app/src work/elsewhere
echo payload > work/app/src/payload.txt
printf 'FROM hoist-test/busybox:1\nCOPY src/payload.txt /p.txt\n' > work/app/build.Dockerfile
for engine in "api" "cli --docker $BUILDKIT_CLI" "cli --docker $(command -v docker)"; do
  (cd work/elsewhere && expect_exit 0 "$HOIST" build ../app -f ../app/build.Dockerfile --engine $engine -t "$tag-rel" --network none)
  assert_eq "payload" "$(docker_cli run --rm --network none "$tag-rel" cat /p.txt)" "relative paths ($engine)"
done

# 4. RUN --mount=type=cache: auto picks native BuildKit (this daemon has
#    sessions; auto takes the CLI for it only where the daemon has none,
#    i.e. BuildKit switched off in daemon.json, which this shared engine
#    cannot be); --engine cli builds it with the CLI's BuildKit.
mkdir -p mount && cat > mount/Dockerfile <<'DF'
FROM hoist-test/busybox:1
RUN --mount=type=cache,target=/cache echo cached-data > /cache/x && cp /cache/x /result
DF
expect_exit 0 "$HOIST" build mount -t "$tag-mount" --network none --progress plain
assert_contains "$err" "engine buildkit (auto)"
assert_eq "cached-data" "$(docker_cli run --rm --network none "$tag-mount" cat /result)" "RUN --mount result (buildkit)"
HOIST_DOCKER=$BUILDKIT_CLI expect_exit 0 "$HOIST" build mount --engine cli -t "$tag-mount" --network none --progress plain
assert_contains "$err" "engine cli ("
assert_contains "$err" "RUN --mount"
assert_eq "cached-data" "$(docker_cli run --rm --network none "$tag-mount" cat /result)" "RUN --mount result"
# ... and says what is missing when the chosen CLI cannot do BuildKit.
if [ "$(docker version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)" -ge 23 ] && ! docker buildx version >/dev/null 2>&1; then
  expect_exit 3 "$HOIST" build mount --engine cli --docker "$(command -v docker)" --network none
  assert_contains "$err" "needs BuildKit"
  assert_contains "$err" "Dockerfile:2"
  assert_contains "$err" "--docker $BUILDKIT_CLI"
fi
# ... while the API engine refuses it before sending anything.
expect_exit 3 "$HOIST" build mount --engine api --network none
assert_contains "$err" "classic builder"

# 5. a heredoc needs a newer frontend than Docker 20.10's: refused up front.
mkdir -p heredoc && printf 'FROM hoist-test/busybox:1\nRUN <<EOF\necho hi\nEOF\n' > heredoc/Dockerfile
engine_major=$(docker_cli version --format '{{.Server.Version}}' | cut -d. -f1)
if [ "$engine_major" -lt 23 ]; then
  HOIST_DOCKER=$BUILDKIT_CLI expect_exit 3 "$HOIST" build heredoc --network none
  assert_contains "$err" "heredoc needs Dockerfile frontend 1.4"
fi

# 6. failures are located the same way through every engine.
mkdir -p fail && printf 'FROM hoist-test/busybox:1\nRUN true\nRUN echo about to fail && \\\n    exit 4\n' > fail/Dockerfile
for engine in "api" "buildkit" "cli --docker $BUILDKIT_CLI" "cli --docker $(command -v docker)"; do
  expect_exit 1 "$HOIST" build fail --engine $engine --network none --no-cache -t "$tag-fail"
  assert_contains "$err" "Dockerfile:3: RUN echo about to fail"
done

# 7. no docker CLI on PATH: exit 3 with the doctor's advice.
expect_exit 3 env PATH=/nonexistent "$HOIST" build mount --engine cli --network none
assert_contains "$err" "no docker CLI found on PATH"
# ... which native BuildKit does not need
expect_exit 0 env PATH=/nonexistent "$HOIST" build mount --network none
expect_exit 3 env PATH=/nonexistent "$HOIST" build "$hello" --engine cli --network none
# a daemon that is not running: the same diagnosis as hoist doctor.
expect_exit 3 env DOCKER_HOST="unix://$tmp/none.sock" "$HOIST" build "$hello" --engine cli --docker "$BUILDKIT_CLI"
assert_contains "$err" "daemon is not running"

# 8. SIGINT reaches the CLI's process group: 130, no orphan, no container.
mkdir -p slow && marker=hoist-slow-$$
printf 'FROM hoist-test/busybox:1\nRUN echo sleeping %s && sleep 120\n' "$marker" > slow/Dockerfile
# containers of this test's slow build (others may share the engine)
slow_containers() { containers_matching "$marker"; }
# Other clients of the machine (a developer's concurrent run) may have
# their own docker CLI children and iidfile directories: only what appears
# during this test counts.
iid_dirs() { ls -d /tmp/hoist-iid.* 2>/dev/null | sort || true; }
iid_procs() { pgrep -f -- "--iidfile /tmp/hoist-iid" | sort || true; }
dirs_before=$(iid_dirs)
for cli in "$(command -v docker)" "$BUILDKIT_CLI"; do
  procs_before=$(iid_procs)
  "$HOIST" build slow --engine cli --docker "$cli" --network none --no-cache --progress plain > slow.out 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do grep -q sleeping slow.out && break; sleep 0.1; done
  grep -q sleeping slow.out || fail "slow build ($cli) never started: $(cat slow.out)"
  kill -INT $pid
  set +e; wait $pid; rc=$?; set -e
  assert_eq 130 "$rc" "exit after SIGINT ($cli)"
  leftover=$(comm -13 <(echo "$procs_before") <(iid_procs) | grep . || true)
  assert_eq "" "$leftover" "CLI processes left after SIGINT ($cli)"
  for _ in $(seq 1 50); do [ -z "$(slow_containers)" ] && break; sleep 0.2; done
  assert_eq "" "$(slow_containers)" "containers left after SIGINT ($cli)"
done
left_dirs=$(comm -13 <(echo "$dirs_before") <(iid_dirs) | grep . || true)
[ -z "$left_dirs" ] || fail "temporary iidfile directories left behind: $left_dirs"
true
