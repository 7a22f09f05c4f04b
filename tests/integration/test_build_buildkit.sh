# test_build_buildkit.sh - `hoist build --engine buildkit` (native BuildKit,
# what auto picks on this engine) against the private engine:
#  1. a multi-stage image equal, in config and files, to the one
#     `DOCKER_BUILDKIT=1 /usr/bin/docker build` (20.10, built-in BuildKit)
#     makes from the same context (no container is ever run for it: the
#     files come from `docker export` of a created container);
#  2. RUN --mount=type=cache reused across builds (a counter grows);
#  3. a secret readable in RUN, absent from the image, its history, the
#     output and the JSON events; bad --secret/--ssh specs refused;
#  4. --output type=local and type=tar;
#  5. the daemon going away mid-build (a proxy in front of the engine drops
#     every connection during a long RUN): exit 3 within 5 s, nothing left
#     running;
#  6. a failing RUN located at its line, with its last output lines;
#  7. engine choice against a fake engine (tools/fake_engine.py): BuildKit
#     switched off in daemon.json (Builder-Version 1) or a Windows daemon
#     -> the classic builder; a daemon refusing the session -> exit 3.
. "$HOIST_SRC/tests/integration/lib.sh"

BUILDKIT_CLI=${HOIST_TEST_BUILDKIT_CLI:-/usr/bin/docker}
tag=hoist-it-bk-$$
on_exit "docker_cli rmi -f $tag-hoist $tag-cli $tag-cache $tag-secret >/dev/null 2>&1"
cd "$tmp"

# ---- 1. same image as the docker CLI's BuildKit ----------------------------
mkdir -p same/src
cat > same/Dockerfile <<'DF'
ARG BASE=hoist-test/busybox:1
FROM $BASE AS build
ARG GREETING=hello
WORKDIR /work
COPY src/ ./
RUN echo "$GREETING from stage one" > out.txt && cat a.txt >> out.txt && chmod 640 out.txt
FROM $BASE
LABEL org.hoist.test=buildkit
ENV APP_HOME=/app PATH=/app/bin:$PATH
WORKDIR /app
COPY --from=build /work/out.txt ./
COPY --chown=1000:1000 src/b.txt bin/b.txt
RUN ln -s out.txt /app/link && mkdir -p /app/empty
USER 1000
EXPOSE 8080/tcp
HEALTHCHECK --interval=30s CMD true
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["cat /app/out.txt"]
DF
echo alpha > same/src/a.txt; echo beta > same/src/b.txt; echo no > same/src/skip.txt
printf 'src/skip.txt\n' > same/.dockerignore

expect_exit 0 "$HOIST" build same --engine buildkit --no-cache -t "$tag-hoist" --network none --progress plain \
  --build-arg GREETING=hi
assert_contains "$err" "with the daemon's BuildKit"
DOCKER_BUILDKIT=1 "$BUILDKIT_CLI" build --no-cache -t "$tag-cli" --network none --build-arg GREETING=hi same \
  >cli.out 2>&1 || fail "docker build failed: $(cat cli.out)"

config_of() { docker_cli image inspect -f '{{json .Config}}' "$1"; }
assert_eq "$(config_of "$tag-cli")" "$(config_of "$tag-hoist")" "image Config (hoist vs DOCKER_BUILDKIT=1 docker build)"
# files: name, type, mode, owner, size, content hash, link target
files_of() {
  local c
  c=$(docker_cli create --network none "$1") || fail "docker create $1"
  docker_cli export "$c" > "$tmp/export.tar"
  docker_cli rm "$c" >/dev/null
  python3 - "$tmp/export.tar" <<'PY'
import hashlib, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for m in sorted(t.getmembers(), key=lambda m: m.name):
        h = hashlib.sha256(t.extractfile(m).read()).hexdigest() if m.isfile() else ""
        print(m.name, m.type.decode(), oct(m.mode & 0o7777), m.uid, m.gid, m.size, h, m.linkname)
PY
}
files_of "$tag-hoist" > files-hoist.txt
files_of "$tag-cli" > files-cli.txt
diff files-cli.txt files-hoist.txt >files.diff || fail "file trees differ: $(cat files.diff)"
grep -q '^app/out.txt 0 0o640 0 0 .*' files-hoist.txt || fail "out.txt missing or wrong: $(grep out.txt files-hoist.txt)"
grep -q '^app/bin/b.txt 0 0o644 1000 1000 ' files-hoist.txt || fail "--chown lost: $(grep b.txt files-hoist.txt)"
grep -q skip.txt files-hoist.txt && fail "an ignored file reached the image"

# ---- 2. RUN --mount=type=cache is reused across builds ---------------------
mkdir -p cache
cat > cache/Dockerfile <<DF
FROM hoist-test/busybox:1
ARG BUST
RUN --mount=type=cache,target=/cache,id=hoist-it-bk-$$ echo "\$BUST" >> /cache/count && wc -l < /cache/count > /n
DF
expect_exit 0 "$HOIST" build cache -t "$tag-cache" --network none --build-arg BUST=1 --progress plain
assert_contains "$err" "engine buildkit (auto)"
first=$(docker_cli run --rm --network none "$tag-cache" cat /n)
expect_exit 0 "$HOIST" build cache -t "$tag-cache" --network none --build-arg BUST=2
second=$(docker_cli run --rm --network none "$tag-cache" cat /n)
[ "$second" -gt "$first" ] || fail "the cache mount was not reused: $first then $second"

# ---- 3. secrets ------------------------------------------------------------
canary=hoist-canary-$$-$RANDOM
printf '%s' "$canary" > secret.txt
mkdir -p sec && cat > sec/Dockerfile <<'DF'
FROM hoist-test/busybox:1
RUN --mount=type=secret,id=tok --mount=type=secret,id=envtok \
    sha256sum /run/secrets/tok | cut -d' ' -f1 > /tok.sha && \
    sha256sum /run/secrets/envtok | cut -d' ' -f1 > /envtok.sha && echo secret-read
DF
want=$(printf '%s' "$canary" | sha256sum | cut -d' ' -f1)
CANARY_ENV=$canary expect_exit 0 "$HOIST" build sec -t "$tag-secret" --network none --progress plain --no-cache \
  --secret id=tok,src="$tmp/secret.txt" --secret id=envtok,env=CANARY_ENV
assert_contains "$err" "secret-read"
assert_not_contains "$out$err" "$canary"
assert_eq "$want" "$(docker_cli run --rm --network none "$tag-secret" cat /tok.sha)" "secret from a file"
assert_eq "$want" "$(docker_cli run --rm --network none "$tag-secret" cat /envtok.sha)" "secret from the environment"
CANARY_ENV=$canary expect_exit 0 "$HOIST" build sec --network none --progress json --no-cache \
  --secret id=tok,src="$tmp/secret.txt" --secret id=envtok,env=CANARY_ENV
assert_contains "$out" '"type":"result"'
assert_not_contains "$out$err" "$canary"
docker_cli history --no-trunc "$tag-secret" | grep -q -- "$canary" && fail "the secret is in the image history"
c=$(docker_cli create --network none "$tag-secret")
docker_cli export "$c" | grep -a -q -- "$canary" && { docker_cli rm "$c" >/dev/null; fail "the secret is in the image"; }
docker_cli rm "$c" >/dev/null
docker_cli image inspect "$tag-secret" | grep -q -- "$canary" && fail "the secret is in the image config"
# a missing secret fails at its line; bad specs are usage errors
mkdir -p sec2 && printf 'FROM hoist-test/busybox:1\nRUN --mount=type=secret,id=absent,required=true true\n' > sec2/Dockerfile
expect_exit 1 "$HOIST" build sec2 --network none --no-cache --secret id=tok,src="$tmp/secret.txt"
assert_contains "$err" "Dockerfile:2"
assert_contains "$err" "absent"
expect_exit 2 "$HOIST" build sec --network none --secret src="$tmp/secret.txt"
assert_contains "$err" "has no id"
expect_exit 4 "$HOIST" build sec --network none --secret id=tok,src="$tmp/nope.txt"
expect_exit 2 "$HOIST" build sec --network none --secret id=tok,colour=red
ssh-keygen -q -t ed25519 -N '' -f key >/dev/null 2>&1 || head -c 64 /dev/urandom > key
expect_exit 2 "$HOIST" build sec --network none --ssh default="$tmp/key"
assert_contains "$err" "not an ssh-agent socket"
expect_exit 2 env -u SSH_AUTH_SOCK "$HOIST" build sec --network none --ssh default
assert_contains "$err" "SSH_AUTH_SOCK"
# BuildKit-only options on the classic engine: refused before anything runs
expect_exit 2 "$HOIST" build sec --engine api --network none --secret id=tok,src="$tmp/secret.txt"
assert_contains "$err" "--engine buildkit"

# ---- 4. --output -------------------------------------------------------------
mkdir -p outp && printf 'FROM hoist-test/busybox:1 AS b\nRUN mkdir -p /o/sub && echo exported > /o/sub/f.txt\nFROM scratch\nCOPY --from=b /o /\n' > outp/Dockerfile
expect_exit 0 "$HOIST" build outp --network none --output type=local,dest="$tmp/outdir"
assert_eq "exported" "$(cat "$tmp/outdir/sub/f.txt")" "--output type=local"
ls -a "$tmp" | grep -q '^\.hoist-output' && fail "temporary export tar left behind"
expect_exit 0 "$HOIST" build outp --network none --output type=tar,dest="$tmp/out.tar"
tar -tf "$tmp/out.tar" | grep -q 'sub/f.txt' || fail "--output type=tar: $(tar -tf "$tmp/out.tar")"
expect_exit 2 "$HOIST" build outp --network none --output type=registry,dest=x
expect_exit 2 "$HOIST" build outp --network none --output type=tar,dest=-

# ---- 5. the daemon goes away mid-build -------------------------------------
# A proxy in front of the engine's socket forwards everything until told to
# drop, then closes every connection (the session's and the build's) and
# refuses new ones: to hoist, the daemon died. The real daemon cancels the
# build when its connection goes.
engine_sock=${DOCKER_HOST#unix://}
cat > proxy.py <<'PY'
import os, selectors, socket, sys, threading
listen_path, target, drop_file = sys.argv[1], sys.argv[2], sys.argv[3]
srv = socket.socket(socket.AF_UNIX); srv.bind(listen_path); srv.listen(16)
conns = []
def pump(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    for s in (a, b):
        try: s.shutdown(socket.SHUT_RDWR)
        except OSError: pass
def dropper():
    while not os.path.exists(drop_file):
        threading.Event().wait(0.05)
    for s in list(conns):
        try: s.shutdown(socket.SHUT_RDWR); s.close()
        except OSError: pass
    srv.close(); os._exit(0)
threading.Thread(target=dropper, daemon=True).start()
while True:
    c, _ = srv.accept()
    u = socket.socket(socket.AF_UNIX); u.connect(target)
    conns += [c, u]
    threading.Thread(target=pump, args=(c, u), daemon=True).start()
    threading.Thread(target=pump, args=(u, c), daemon=True).start()
PY
marker=hoist-bkdeath-$$
mkdir -p death && printf 'FROM hoist-test/busybox:1\nRUN echo sleeping %s && sleep 30\n' "$marker" > death/Dockerfile
python3 proxy.py "$tmp/proxy.sock" "$engine_sock" "$tmp/drop" & proxy=$!
on_exit "kill $proxy 2>/dev/null"
for _ in $(seq 1 50); do [ -S "$tmp/proxy.sock" ] && break; sleep 0.1; done
DOCKER_HOST=unix://$tmp/proxy.sock "$HOIST" build death --no-cache --network none --progress plain > death.out 2>&1 &
pid=$!
for _ in $(seq 1 150); do grep -q "sleeping $marker" death.out && break; sleep 0.1; done
grep -q "sleeping $marker" death.out || fail "the build never started: $(cat death.out)"
start=$(date +%s%N)
touch "$tmp/drop"
set +e; wait $pid; rc=$?; set -e
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
assert_eq 3 "$rc" "exit code when the daemon goes away ($(tail -3 death.out))"
[ "$elapsed_ms" -lt 5000 ] || fail "took ${elapsed_ms} ms to notice the daemon was gone"
for _ in $(seq 1 50); do pgrep -f "sleeping $marker" >/dev/null || break; sleep 0.2; done
pgrep -af "sleeping $marker" && fail "the build's RUN still runs after its client went away"

# ---- 6. failures at their line, with the last output lines -----------------
mkdir -p fail && printf 'FROM hoist-test/busybox:1\nRUN echo ok\nRUN for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line-$i; done && \\\n    exit 7\n' > fail/Dockerfile
expect_exit 1 "$HOIST" build fail --network none --progress plain
assert_contains "$err" "Dockerfile:3: RUN for i in"
assert_contains "$err" "exit code: 7"
assert_contains "$err" "line-12"
expect_exit 1 "$HOIST" build fail --network none --progress json
printf '%s\n' "$out" > fail.jsonl
python3 - fail.jsonl <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
failed = [e for e in events if e["type"] == "failed"]
assert failed and failed[0]["line"] == 3 and failed[0]["exit_code"] == 1, failed
errors = [e for e in events if e["type"] == "error"]
assert errors and errors[0]["line"] == 3 and "line-12" in errors[0].get("detail", ""), errors
PY

# ---- 7. engine choice on other daemons ---------------------------------------
fake() { # ENV... : start the fake engine with these settings
  rm -f "$tmp/fake.sock" "$tmp/query"
  env "$@" python3 "$HOIST_SRC/tests/integration/tools/fake_engine.py" "$tmp/fake.sock" "$tmp" 2>>"$tmp/fake.log" &
  fake_pid=$!
  on_exit "kill $fake_pid 2>/dev/null"
  for _ in $(seq 1 50); do curl -sf --unix-socket "$tmp/fake.sock" http://x/_ping >/dev/null 2>&1 && break; sleep 0.1; done
}
mkdir -p plain && printf 'FROM hoist-test/busybox:1\nRUN true\n' > plain/Dockerfile
fake FAKE_ENGINE_BUILDER_VERSION=1
DOCKER_HOST=unix://$tmp/fake.sock expect_exit 1 "$HOIST" build plain --network none --progress plain
assert_contains "$err" "engine api (auto): the daemon's BuildKit is switched off (Builder-Version 1"
assert_contains "$err" "fake engine: context recorded"
grep -q 'version=2' "$tmp/query" && fail "a classic build was sent as a BuildKit one: $(cat "$tmp/query")"
# ... and the classic engine refuses a BuildKit Dockerfile before sending anything
DOCKER_HOST=unix://$tmp/fake.sock expect_exit 3 "$HOIST" build cache --engine api --network none
assert_contains "$err" "classic builder"
kill $fake_pid
fake FAKE_ENGINE_OSTYPE=windows
DOCKER_HOST=unix://$tmp/fake.sock expect_exit 1 "$HOIST" build plain --network none --progress plain
assert_contains "$err" "engine api (auto): the daemon runs on windows"
DOCKER_HOST=unix://$tmp/fake.sock expect_exit 3 "$HOIST" build plain --engine buildkit --network none
assert_contains "$err" "the buildkit engine cannot run here"
kill $fake_pid
fake
DOCKER_HOST=unix://$tmp/fake.sock expect_exit 3 "$HOIST" build plain --network none --progress plain
assert_contains "$err" "engine buildkit (auto)"
assert_contains "$err" "refused the BuildKit session"
kill $fake_pid
