# test_session_buildkit.sh - BuildKit builds through hoist's own session
# (lib/session) against the private engine, driven by the test program
# build/tests/session/bkbuild (hoist_build, engine buildkit; the counters
# are hoist_build_result.session): a multi-stage build whose files are right,
# a .dockerignore'd file absent, a long RUN kept alive by health checks,
# an incremental second transfer (only the changed file is requested), a
# secret readable by RUN --mount=type=secret but absent from the image and
# from all output, a missing secret failing the build, a Dockerfile
# outside the context, a daemon that is not there, ssh agent forwarding and
# a tar export through FileSend.
. "$HOIST_SRC/tests/integration/lib.sh"

bk=${HOIST_BKBUILD:-$(dirname "$HOIST")/tests/session/bkbuild}
[ -x "$bk" ] || skip "test driver $bk not built"

tag=hoist-it-session-$$
on_exit "docker_cli rmi -f $tag $tag-secret $tag-df >/dev/null 2>&1"
cd "$tmp"

# stat_of KEY: a counter from the last bkbuild's "stats" line
stat_of() { sed -n 's/^stats .*\b'"$1"'=\([0-9]*\).*/\1/p' <<<"$out"; }

# 1. multi-stage build with a larger context and a long step
mkdir -p ctx/sub ctx/deep/er
cat > ctx/Dockerfile <<'DF'
FROM hoist-test/busybox:1 AS build
COPY . /ctx
RUN sleep 5 && md5sum /ctx/big.bin | cut -d' ' -f1 > /big.md5 && cat /ctx/sub/a.txt > /a.copy
FROM hoist-test/busybox:1
COPY --from=build /big.md5 /a.copy /out/
COPY . /ctx
DF
printf 'alpha %s\n' "$$" > ctx/sub/a.txt
echo beta > ctx/deep/er/b.txt
echo "do not send" > ctx/ignored.txt
ln -s sub/a.txt ctx/link
head -c 12000000 /dev/urandom > ctx/big.bin
printf 'ignored.txt\n' > ctx/.dockerignore
big_md5=$(md5sum ctx/big.bin | cut -d' ' -f1)

expect_exit 0 "$bk" -t "$tag" ctx
assert_contains "$out" "image sha256:"
bytes1=$(stat_of bytes); health=$(stat_of health)
[ "$bytes1" -ge 12000000 ] || fail "first build sent only $bytes1 bytes of file data"
[ "$(stat_of unimplemented)" = 0 ] || fail "the daemon called a method the session does not serve: $out"
# BuildKit v0.8 checks every second; RUN sleep 5 alone takes five
[ "$health" -ge 3 ] || fail "only $health health checks during a build with RUN sleep 5: $out"
# file data is read in bounded steps: the session never left poll() for
# long enough to keep a health check waiting (200 ms)
[ "$(stat_of max_step_us)" -lt 200000 ] || fail "the session thread was busy for $(stat_of max_step_us) us at once"
note "first build: $out"

run() { docker_cli run --rm --network none "$tag" "$@"; }
assert_eq "$big_md5" "$(run cat /out/big.md5)" "big file content"
assert_eq "alpha $$" "$(run cat /out/a.copy)" "multi-stage copy"
assert_eq "beta" "$(run cat /ctx/deep/er/b.txt)" "nested file"
assert_eq "sub/a.txt" "$(run readlink /ctx/link)" "symlink"
run test ! -e /ctx/ignored.txt || fail ".dockerignore'd file was sent"

# 2. a second build after changing one file transfers only that file
echo "beta changed" > ctx/deep/er/b.txt
expect_exit 0 "$bk" -t "$tag" ctx
assert_eq 1 "$(stat_of req)" "REQ packets after changing one file"
assert_eq 1 "$(stat_of files)" "files sent after changing one file"
assert_eq 13 "$(stat_of bytes)" "bytes sent after changing one file"
assert_eq "beta changed" "$(run cat /ctx/deep/er/b.txt)" "changed file"

# 3. a secret: readable while building, absent from the image and output
secret_value="hoist-secret-$$-$RANDOM"
printf '%s' "$secret_value" > secret.txt
mkdir -p sec
cat > sec/Dockerfile <<'DF'
FROM hoist-test/busybox:1
RUN --mount=type=secret,id=x md5sum /run/secrets/x | cut -d' ' -f1 > /secret.md5 && ls /run/secrets/
DF
expect_exit 0 "$bk" -t "$tag-secret" --no-cache --messages --secret id=x,src="$tmp/secret.txt" sec
assert_eq 1 "$(stat_of secrets)" "secrets served"
assert_no_canary "$secret_value"  # stdout, stderr and every build event's texts (--messages)
assert_eq "$(printf '%s' "$secret_value" | md5sum | cut -d' ' -f1)" \
  "$(docker_cli run --rm --network none "$tag-secret" cat /secret.md5)" "secret seen by RUN"
docker_cli run --rm --network none "$tag-secret" sh -c "grep -rl '$secret_value' /bin /etc /secret.md5 /run 2>/dev/null" \
  && fail "the secret is in the image"
assert_not_contains "$(docker_cli history --no-trunc "$tag-secret")" "$secret_value" "image history"
# from the environment too
SESSION_SECRET_ENV="$secret_value" expect_exit 0 "$bk" -t "$tag-secret" --no-cache --secret id=x,env=SESSION_SECRET_ENV sec
assert_eq 1 "$(stat_of secrets)" "secret from the environment"
assert_no_canary "$secret_value"
# an unknown id: the daemon gets NOT_FOUND and the RUN fails
expect_exit 1 "$bk" -t "$tag-secret" --no-cache sec
assert_contains "$err" "bkbuild: RUN --mount=type=secret,id=x md5sum"  # the failing step
assert_contains "$err" "/run/secrets/x"
# a RUN that fails with the secret mounted: its error message must not carry it
printf 'FROM hoist-test/busybox:1\nRUN --mount=type=secret,id=x test ! -s /run/secrets/x\n' > sec/Dockerfile.fail
SESSION_SECRET_ENV="$secret_value" expect_exit 1 "$bk" -t "$tag-secret" --no-cache --messages -f sec/Dockerfile.fail \
  --secret id=x,env=SESSION_SECRET_ENV sec
assert_no_canary "$secret_value"

# 4. a Dockerfile outside the context (served as its own directory)
mkdir -p dfdir
printf 'FROM hoist-test/busybox:1\nCOPY sub/a.txt /a.txt\n' > dfdir/Other.Dockerfile
expect_exit 0 "$bk" -t "$tag-df" -f dfdir/Other.Dockerfile ctx
assert_eq "alpha $$" "$(docker_cli run --rm --network none "$tag-df" cat /a.txt)" "Dockerfile outside the context"

# 5. no daemon: a clear environment error
expect_exit 3 env DOCKER_HOST="unix://$tmp/none.sock" "$bk" ctx
assert_contains "$err" "none.sock"

# 6. ssh agent forwarding: RUN --mount=type=ssh lists the agent's keys
if command -v ssh-agent >/dev/null && command -v ssh-keygen >/dev/null; then
  ssh-keygen -q -t ed25519 -N '' -f "$tmp/agent_key"
  agent_env=$(ssh-agent -s -a "$tmp/agent.sock")
  agent_pid=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' <<<"$agent_env")
  on_exit "kill $agent_pid"
  SSH_AUTH_SOCK=$tmp/agent.sock ssh-add -q "$tmp/agent_key"
  mkdir -p agent
  cat > agent/Dockerfile <<'DF'
FROM hoist-test/gcc:12
RUN --mount=type=ssh perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Peer => $ENV{SSH_AUTH_SOCK}) or die "connect: $!"; print $s pack("NC", 1, 11); read($s, $l, 4) == 4 or die "short"; $n = unpack("N", $l); read($s, $b, $n) == $n or die "short"; ($t, $c) = unpack("CN", $b); open(F, ">/agent.txt"); print F "type=$t keys=$c\n";'
DF
  on_exit "docker_cli rmi -f $tag-agent >/dev/null 2>&1"
  expect_exit 0 "$bk" -t "$tag-agent" --no-cache --ssh default="$tmp/agent.sock" agent
  # 12 = SSH2_AGENT_IDENTITIES_ANSWER, with the one key added
  assert_eq "type=12 keys=1" "$(docker_cli run --rm --network none "$tag-agent" cat /agent.txt)" "ssh agent through the session"
  # no agent configured: the mount fails the build
  expect_exit 1 "$bk" -t "$tag-agent" --no-cache agent
else
  note "no ssh-agent: agent forwarding not tested"
fi

# 7. tar export through FileSend (outputs=[{"Type":"tar"}]): the final
# stage's files arrive in the tar, no image is made
expect_exit 0 "$bk" --output-tar "$tmp/out.tar" -f dfdir/Other.Dockerfile ctx
[ "$(stat_of output)" -gt 0 ] || fail "no tar bytes received: $out"
assert_eq "$(stat_of output)" "$(stat -c %s "$tmp/out.tar")" "tar size"
assert_eq "alpha $$" "$(tar -xOf "$tmp/out.tar" a.txt)" "a.txt in the exported tar"

# 8. a long .dockerignore: every pattern is one gRPC metadata entry, and
# every one of them is honoured (400 of 500 files ignored)
mkdir -p many
for i in $(seq 1 500); do echo "$i" > "many/f$i"; done
seq 1 400 | sed 's/^/f/' > many/.dockerignore
printf 'FROM hoist-test/busybox:1\nCOPY . /c\n' > many/Dockerfile
on_exit "docker_cli rmi -f $tag-many >/dev/null 2>&1"
expect_exit 0 "$bk" -t "$tag-many" many
assert_eq 100 "$(docker_cli run --rm --network none "$tag-many" sh -c 'ls /c | grep -c "^f"')" "files left by 400 ignore patterns"
