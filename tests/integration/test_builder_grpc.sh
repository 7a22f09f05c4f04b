# test_builder_grpc.sh - hoist build --builder: BuildKit's Control API with
# hoist as the gRPC client, against real BuildKit only:
#   - the private engine's /grpc (--builder docker, and BUILDKIT_HOST): the
#     image equals the default engine's (same ID, Config and files); a
#     failing step keeps its file:line; SIGINT cancels (exit 130, nothing
#     left running);
#   - a plain h2c unix socket (tools/grpc_unix_proxy.py upgrades to the
#     engine's /grpc per connection: after that, buildkitd's protocol);
#     the builder killed mid-build is exit 3 with a clear message;
#   - tcp:// with mutual TLS to a second private engine started here: the
#     image is copied into the first engine; without a client certificate,
#     and without TLS at all, exit 3 with a TLS diagnosis;
#   - bad addresses are usage errors.
. "$HOIST_SRC/tests/integration/lib.sh"

tag=hoist-bkgrpc-$$
cd "$tmp"
on_exit 'docker_cli rmi -f $(docker_cli images -q --filter reference="hoist-bkgrpc-$$*" 2>/dev/null | sort -u) >/dev/null 2>&1'

mkdir -p app && cd app
printf 'hello %s\n' "$$" > hello.txt
cat > Dockerfile <<EOF2
FROM hoist-test/busybox:1
ARG GREETING=hi
ENV APP_MODE=grpc
COPY hello.txt /app/hello.txt
RUN echo "\$GREETING \$APP_MODE" > /app/made.txt && cat /app/hello.txt
LABEL org.example.test=bkgrpc
WORKDIR /app
CMD ["cat", "/app/made.txt"]
EOF2
cd ..

# 1. The engine's own BuildKit through /grpc, against the default engine.
expect_exit 0 "$HOIST" build app -t $tag:default --build-arg GREETING=hey --network none --progress plain
default_id=$(docker_cli image inspect -f '{{.Id}}' $tag:default)
expect_exit 0 "$HOIST" build app --builder docker -t $tag:grpc --build-arg GREETING=hey --network none --progress plain --no-cache
assert_contains "$err" "builder: the BuildKit of the Docker engine at"
assert_contains "$err" "/grpc endpoint"
assert_contains "$err" "builder worker"
assert_contains "$err" "RUN echo"
assert_contains "$err" "(Dockerfile:5)"
assert_contains "$err" "hoist: built sha256:"
assert_contains "$err" "with the BuildKit builder docker"
grpc_id=$(docker_cli image inspect -f '{{.Id}}' $tag:grpc)
assert_eq "$(docker_cli image inspect -f '{{json .Config}}' $tag:default)" \
          "$(docker_cli image inspect -f '{{json .Config}}' $tag:grpc)" "image Config"
assert_eq "hey grpc" "$(docker_cli run --rm --network none $tag:grpc)" "file made by RUN"
assert_eq "hello $$" "$(docker_cli run --rm --network none $tag:grpc cat /app/hello.txt)" "file from the context"
# (--no-cache made new layers: the same files, not necessarily the same ID)
note "default $default_id, --builder docker $grpc_id"
# With the cache, the same build is the same image.
expect_exit 0 env BUILDKIT_HOST=docker "$HOIST" build app -t $tag:env --build-arg GREETING=hey --network none --progress json
assert_contains "$out" '"type":"image-id"'
assert_eq "$grpc_id" "$(docker_cli image inspect -f '{{.Id}}' $tag:env)" "image ID from BUILDKIT_HOST=docker"

# Frontend attributes: --target, --label, --platform, --add-host, --no-cache.
mkdir -p multi && cat > multi/Dockerfile <<EOF2
FROM hoist-test/busybox:1 AS one
RUN echo one-$$ > /stage && grep -c hoist-host /etc/hosts > /hosts
FROM hoist-test/busybox:1 AS two
RUN echo two > /stage
EOF2
mflags=(--builder docker --target one --label org.example.k=v-$$ --platform linux/amd64 --add-host hoist-host:10.9.8.7 --network none --progress plain)
expect_exit 0 "$HOIST" build multi "${mflags[@]}" -t $tag:target
assert_eq "one-$$" "$(docker_cli run --rm --network none $tag:target cat /stage)" "--target one"
assert_eq "1" "$(docker_cli run --rm --network none $tag:target cat /hosts)" "--add-host seen by RUN"
assert_eq "v-$$" "$(docker_cli image inspect -f '{{index .Config.Labels "org.example.k"}}' $tag:target)" "--label"
assert_eq "amd64" "$(docker_cli image inspect -f '{{.Architecture}}' $tag:target)" "--platform"
expect_exit 0 "$HOIST" build multi "${mflags[@]}"
assert_contains "$err" "steps: 0 run" "the same build again"
expect_exit 0 "$HOIST" build multi "${mflags[@]}" --no-cache
assert_contains "$err" "steps: 1 run" "--no-cache (the RUN step ran again)"

# A failing step: exit 1, the Dockerfile location and the step's output.
mkdir -p bad && printf 'FROM hoist-test/busybox:1\nRUN echo bad-%s && exit 7\n' "$$" > bad/Dockerfile
expect_exit 1 "$HOIST" build bad --builder docker --network none --progress plain
assert_contains "$err" "Dockerfile:2"
assert_contains "$err" "exit code: 7"
assert_contains "$err" "bad-$$"

# Usage errors, before any connection.
expect_exit 2 "$HOIST" build app --builder ftp://x --progress plain
assert_contains "$err" "is not a BuildKit address"
expect_exit 2 "$HOIST" build app --builder docker --engine api --progress plain
assert_contains "$err" "excludes --engine api"

# A large context through Control.Session (BytesMessage frames of the
# nested HTTP/2 connection, back-pressure both ways) arrives intact.
mkdir -p big && head -c 24000000 /dev/urandom > big/blob.bin
printf 'FROM hoist-test/busybox:1\nCOPY blob.bin /blob.bin\nRUN sha256sum /blob.bin > /sum && echo %s\n' "$$" > big/Dockerfile
expect_exit 0 "$HOIST" build big --builder docker -t $tag:big --network none --progress plain
assert_eq "$(sha256sum big/blob.bin | cut -d' ' -f1)" "$(docker_cli run --rm --network none $tag:big cut -d' ' -f1 /sum)" "24 MB file through the session"

# --output: the tar exporter through the session's FileSend.
expect_exit 0 "$HOIST" build app --builder docker --build-arg GREETING=hey --output type=local,dest=out --network none --progress plain
assert_eq "hey grpc" "$(cat out/app/made.txt)" "--output type=local"
ls -a . | grep -q '^\.hoist-output' && fail "a temporary tar was left beside the output"
expect_exit 0 "$HOIST" build app --builder docker --output type=tar,dest=out.tar --network none --progress plain
assert_contains "$(tar tf out.tar)" "app/made.txt" "--output type=tar"
# --secret through the session's Secrets service.
# (BuildKit keeps secrets out of cache keys: the step is unique per run)
mkdir -p sec && printf 'FROM hoist-test/busybox:1\nRUN --mount=type=secret,id=tok cp /run/secrets/tok /got && echo %s\n' "$$" > sec/Dockerfile
echo "s3cret-$$" > tok.txt
expect_exit 0 "$HOIST" build sec --builder docker --secret id=tok,src=tok.txt -t $tag:sec --network none --progress plain
assert_eq "s3cret-$$" "$(docker_cli run --rm --network none $tag:sec cat /got)" "secret read by RUN"

# Cache: Docker 20.10's BuildKit exports inline cache only; registry cache
# export is refused with the builder named and what it supports.
expect_exit 0 "$HOIST" build app --builder docker --cache-to type=inline -t "$HOIST_REGISTRY/bkgrpc-$$/app:1" --push --network none --progress plain
expect_exit 0 "$HOIST" build app --builder docker --cache-from "$HOIST_REGISTRY/bkgrpc-$$/app:1" \
  --cache-from "type=registry,ref=$HOIST_REGISTRY/bkgrpc-$$/app:1" -t $tag:cachefrom --network none --progress plain
expect_exit 3 "$HOIST" build app --builder docker --cache-to "type=registry,ref=$HOIST_REGISTRY/bkgrpc-$$/cache:1" --network none --progress plain
assert_contains "$err" 'unknown cache exporter: "registry"'
assert_contains "$err" "the BuildKit of the Docker engine"
assert_contains "$err" "type=inline"
expect_exit 2 "$HOIST" build app --builder docker --cache-to type=local,dest=c --progress plain
assert_contains "$err" "type=local needs the client's content store"
expect_exit 2 "$HOIST" build app --cache-to type=inline --progress plain
assert_contains "$err" "--cache-to needs a BuildKit builder"
docker_cli rmi -f "$HOIST_REGISTRY/bkgrpc-$$/app:1" >/dev/null 2>&1 || true

# SIGINT: exit 130, the step's container gone.
mark=bkgrpc-cancel-$$
mkdir -p slow && printf 'FROM hoist-test/busybox:1\nRUN echo %s && sleep 120\n' "$mark" > slow/Dockerfile
"$HOIST" build slow --builder docker --network none --progress plain >"$tmp/cancel.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -qs "$mark" "$tmp/cancel.out" && break; sleep 0.2; done
grep -q "$mark" "$tmp/cancel.out" || fail "the slow step did not start: $(cat "$tmp/cancel.out")"
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
assert_eq 130 "$rc" "exit status after SIGINT"
assert_contains "$(cat "$tmp/cancel.out")" "build cancelled"
for _ in $(seq 1 150); do pgrep -f "$mark" >/dev/null || break; sleep 0.2; done
pgrep -f "$mark" >/dev/null && fail "the cancelled step is still running"

# 2. unix://: a plain h2c socket in front of the engine's BuildKit.
sock=$tmp/buildkitd.sock
python3 "$HOIST_SRC/tests/integration/tools/grpc_unix_proxy.py" "$sock" "${DOCKER_HOST#unix://}" >"$tmp/proxy.log" 2>&1 &
proxy=$!
on_exit "kill $proxy 2>/dev/null"
for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done
expect_exit 0 "$HOIST" build app --builder "unix://$sock" -t $tag:unix --build-arg GREETING=hey --network none --progress plain
assert_contains "$err" "builder: the BuildKit builder at unix://$sock"
assert_contains "$err" "builder worker moby"
assert_eq "$grpc_id" "$(docker_cli image inspect -f '{{.Id}}' $tag:unix)" "image ID through unix://"
# The builder goes away mid-build: exit 3, and it says so.
mark2=bkgrpc-dies-$$
printf 'FROM hoist-test/busybox:1\nRUN echo %s && sleep 120\n' "$mark2" > slow/Dockerfile
"$HOIST" build slow --builder "unix://$sock" --network none --progress plain >"$tmp/dies.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -qs "$mark2" "$tmp/dies.out" && break; sleep 0.2; done
grep -q "$mark2" "$tmp/dies.out" || fail "the slow step did not start: $(cat "$tmp/dies.out")"
kill -KILL $proxy
set +e; wait $pid; rc=$?; set -e
assert_eq 3 "$rc" "exit status when the builder dies ($(cat "$tmp/dies.out"))"
assert_contains "$(cat "$tmp/dies.out")" "the builder went away mid-build"
for _ in $(seq 1 150); do pgrep -f "$mark2" >/dev/null || break; sleep 0.2; done
pgrep -f "$mark2" >/dev/null && fail "the step of the lost build is still running"
expect_exit 3 "$HOIST" build app --builder "unix://$tmp/nothing.sock" --network none --progress plain
assert_contains "$err" "cannot connect to the BuildKit builder at unix://$tmp/nothing.sock"

# ssh://, docker-container://, kube-pod://: `buildctl dial-stdio` through
# each tool. Here the tools are stand-ins on PATH that log their arguments
# and run tools/grpc_stdio_proxy.py (the engine's /grpc on stdin/stdout):
# the transport is hoist's, the builder real BuildKit.
mkdir -p fakebin
for t in ssh docker kubectl; do
  printf '#!/bin/sh\necho "%s $*" >> %s/dial.log\nexec python3 %s %s\n' "$t" "$tmp" \
    "$HOIST_SRC/tests/integration/tools/grpc_stdio_proxy.py" "${DOCKER_HOST#unix://}" > fakebin/$t
  chmod +x fakebin/$t
done
for addr in ssh://builder@build-host:2222 docker-container://buildkitd-1 "kube-pod://buildkitd-0?namespace=ci&container=bk&context=prod"; do
  expect_exit 0 env PATH="$tmp/fakebin:$PATH" "$HOIST" build app --builder "$addr" -t $tag:stdio --build-arg GREETING=hey --network none --progress plain
  assert_contains "$err" "buildctl dial-stdio"
  assert_eq "$grpc_id" "$(docker_cli image inspect -f '{{.Id}}' $tag:stdio)" "image ID through $addr"
done
log=$(cat "$tmp/dial.log")
assert_contains "$log" "ssh -p 2222 -o BatchMode=yes -- builder@build-host buildctl dial-stdio"
assert_contains "$log" "docker exec -i buildkitd-1 buildctl dial-stdio"
assert_contains "$log" "kubectl --context prod exec --namespace ci -c bk -i buildkitd-0 -- buildctl dial-stdio"
pgrep -f grpc_stdio_proxy.py >/dev/null && fail "a dial-stdio helper was left running"
expect_exit 3 env PATH=/nonexistent "$HOIST" build app --builder kube-pod://x --progress plain
assert_contains "$err" "needs the kubectl program"

# 3. tcp:// with mutual TLS: a second private engine of this test's own.
if [ "$(id -u)" != 0 ] || ! command -v openssl >/dev/null; then
  note "SKIP tcp:// part: needs root and openssl to start a TLS engine"
  exit 0
fi
export HOIST_ENGINE_RUN=/run/hoist-bkgrpc-$$
export HOIST_ENGINE_STATE=$tmp/engine
engine=$HOIST_SRC/scripts/engine
main_host=$DOCKER_HOST
on_exit 'HOIST_ENGINE_RUN=/run/hoist-bkgrpc-'$$' HOIST_ENGINE_STATE='"$tmp"'/engine "'"$engine"'" down >/dev/null 2>&1; rm -rf /run/hoist-bkgrpc-'$$
pki=$tmp/pki && mkdir -p "$pki/client" && (
  cd "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=hoist-test-ca -keyout ca-key.pem -out ca.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile server.ext -out server-cert.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=hoist-client -keyout client/key.pem -out client.csr 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > client.ext
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.ext -out client/cert.pem 2>/dev/null
)
port=$(for p in $(seq 23870 23970); do ss -Hltn "sport = :$p" | grep -q . || { echo $p; break; }; done)
HOIST_ENGINE_TLS_PORT=$port HOIST_ENGINE_TLS_DIR=$pki "$engine" up >/dev/null 2>&1 ||
  fail "could not start the TLS engine: $(tail -5 "$HOIST_ENGINE_STATE/dockerd.log" 2>/dev/null)"
DOCKER_HOST=unix://$HOIST_ENGINE_RUN/docker.sock "$HOIST_SRC/scripts/base-images" busybox >/dev/null 2>&1 || fail "busybox image in the TLS engine"
tls=(--builder "tcp://127.0.0.1:$port" --builder-tlscacert "$pki/ca.pem" --builder-tlscert "$pki/client/cert.pem" --builder-tlskey "$pki/client/key.pem")
expect_exit 0 env DOCKER_HOST="$main_host" "$HOIST" build app "${tls[@]}" -t $tag:tls --build-arg GREETING=hey --network none --progress plain
assert_contains "$err" "TLS without ALPN h2: a Docker engine"
assert_contains "$err" "another engine: the image will be copied over"
assert_contains "$err" "copied the image from the builder's engine"
assert_eq "$(docker_cli image inspect -f '{{json .Config}}' $tag:default)" \
          "$(docker_cli image inspect -f '{{json .Config}}' $tag:tls)" "image Config built over tcp+TLS"
assert_eq "hey grpc" "$(docker_cli run --rm --network none $tag:tls)" "file made on the TLS builder"
# The TLS builder's engine is the engine hoist builds for: no copy.
expect_exit 0 env DOCKER_HOST="unix://$HOIST_ENGINE_RUN/docker.sock" "$HOIST" build app "${tls[@]}" -t $tag:same --network none --progress plain
assert_contains "$err" "the builder's engine is the engine hoist builds for"
assert_not_contains "$err" "copied the image"
DOCKER_HOST="unix://$HOIST_ENGINE_RUN/docker.sock" docker_cli image inspect $tag:same >/dev/null || fail "the image is not in the TLS engine"
# BUILDKIT_* variables, as buildctl names them.
expect_exit 0 env DOCKER_HOST="$main_host" BUILDKIT_HOST="tcp://127.0.0.1:$port" BUILDKIT_TLS_CA_CERT="$pki/ca.pem" \
  BUILDKIT_TLS_CERT="$pki/client/cert.pem" BUILDKIT_TLS_KEY="$pki/client/key.pem" \
  "$HOIST" build app -t $tag:tlsenv --network none --progress plain
# No client certificate: exit 3 and why.
expect_exit 3 "$HOIST" build app --builder "tcp://127.0.0.1:$port" --builder-tlscacert "$pki/ca.pem" --network none --progress plain
assert_contains "$err" "did not accept a client without a certificate"
assert_contains "$err" "--builder-tlscert"
# No TLS at all against a TLS port: exit 3, and it says TLS.
expect_exit 3 "$HOIST" build app --builder "tcp://127.0.0.1:$port" --network none --progress plain
assert_contains "$err" "TLS"
assert_contains "$err" "--builder-tlscacert"
# A CA that did not sign the builder's certificate.
mkdir -p "$tmp/other" && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other -keyout "$tmp/other/key.pem" -out "$tmp/other/ca.pem" 2>/dev/null
expect_exit 3 "$HOIST" build app --builder "tcp://127.0.0.1:$port" --builder-tlscacert "$tmp/other/ca.pem" \
  --builder-tlscert "$pki/client/cert.pem" --builder-tlskey "$pki/client/key.pem" --network none --progress plain
assert_contains "$err" "cannot verify the certificate"
