# test_engine_tls.sh - the Engine API over tcp with mutual TLS, against a
# second private engine of this test's own listening on 127.0.0.1 with
# certificates made here: doctor and a build work with DOCKER_TLS_VERIFY and
# DOCKER_CERT_PATH; a client without certificates and an untrusted CA fail
# with exit 3 and a TLS diagnosis.
. "$HOIST_SRC/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to start a private dockerd"
command -v openssl >/dev/null || skip "no openssl"
export HOIST_ENGINE_RUN=/run/hoist-tls-$$
export HOIST_ENGINE_STATE=$tmp/engine
engine=$HOIST_SRC/scripts/engine
on_exit '"$engine" down >/dev/null 2>&1; rm -rf "$HOIST_ENGINE_RUN"'

# A CA, a server certificate for 127.0.0.1, a client certificate.
pki=$tmp/pki && mkdir -p "$pki" && cd "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=hoist-test-ca -keyout ca-key.pem -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile server.ext -out server-cert.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=hoist-client -keyout client/key.pem -out client.csr 2>/dev/null || {
  mkdir -p client && openssl req -newkey rsa:2048 -nodes -subj /CN=hoist-client -keyout client/key.pem -out client.csr 2>/dev/null; }
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.ext -out client/cert.pem 2>/dev/null
cp ca.pem client/ca.pem
mkdir -p other && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout other/key.pem -out other/ca.pem 2>/dev/null
cp client/cert.pem client/key.pem other/

port=$(for p in $(seq 23760 23860); do ss -Hltn "sport = :$p" | grep -q . || { echo $p; break; }; done)
export HOIST_ENGINE_TLS_PORT=$port HOIST_ENGINE_TLS_DIR=$pki
"$engine" up >/dev/null 2>&1 || fail "could not start the TLS engine: $(tail -5 "$HOIST_ENGINE_STATE/dockerd.log")"
DOCKER_HOST=unix://$HOIST_ENGINE_RUN/docker.sock "$HOIST_SRC/scripts/base-images" busybox >/dev/null 2>&1 || fail "busybox image"
cd "$tmp"

tls_env=(env DOCKER_HOST=tcp://127.0.0.1:$port DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$pki/client)
expect_exit 0 "${tls_env[@]}" "$HOIST" doctor
assert_contains "$out" "tcp://127.0.0.1:$port"
assert_contains "$out" "engine usable: yes"

mkdir -p app && printf 'FROM hoist-test/busybox:1\nRUN echo over-tls > /t\n' > app/Dockerfile
expect_exit 0 "${tls_env[@]}" "$HOIST" build app -t hoist-tls-$$ --network none --progress plain
assert_contains "$err" "hoist: built sha256:"
# The BuildKit session (lib/session) hijacks its own TLS connection.
bk=$(dirname "$HOIST")/tests/session/bkbuild
if [ -x "$bk" ]; then
  echo over-tls-session > app/s.txt
  printf 'FROM hoist-test/busybox:1\nCOPY s.txt /s.txt\nRUN sleep 2\n' > app/Session.Dockerfile
  expect_exit 0 "${tls_env[@]}" "$bk" -t hoist-tls-bk-$$ -f app/Session.Dockerfile app
  assert_contains "$out" "image sha256:"
  assert_eq "over-tls-session" "$(DOCKER_HOST=unix://$HOIST_ENGINE_RUN/docker.sock docker_cli run --rm --network none hoist-tls-bk-$$ cat /s.txt)" "BuildKit session over TLS"
fi

# No client certificate: the daemon refuses the handshake.
mkdir -p nocert && cp "$pki/ca.pem" nocert/
expect_exit 3 env DOCKER_HOST=tcp://127.0.0.1:$port DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$tmp/nocert "$HOIST" doctor
assert_contains "$out" "did not accept a client without a certificate"
# A CA that did not sign the server: verification fails, and says TLS.
expect_exit 3 env DOCKER_HOST=tcp://127.0.0.1:$port DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$pki/other "$HOIST" doctor
assert_contains "$out" "TLS"
# Plain http to a TLS port is not mistaken for a daemon.
expect_exit 3 env DOCKER_HOST=tcp://127.0.0.1:$port "$HOIST" doctor
assert_contains "$out" "speaks TLS on this port"
