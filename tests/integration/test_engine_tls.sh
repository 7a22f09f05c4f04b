# test_engine_tls.sh - the Engine API over tcp with mutual TLS, against a
# second private engine of this test's own listening on 127.0.0.1 with
# certificates made here: doctor and a build work with DOCKER_TLS_VERIFY and
# DOCKER_CERT_PATH; a client without certificates and an untrusted CA fail
# with exit 3 and a TLS diagnosis.
. "$HOIST_SRC/tests/integration/lib.sh"

# A CA, a server certificate for 127.0.0.1, a client certificate, and the
# engine (lib.sh); a second CA that signed nothing the engine trusts.
tls_engine_up tls 23760
mkdir -p "$pki/other" && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
  -keyout "$pki/other/key.pem" -out "$pki/other/ca.pem" 2>/dev/null
cp "$pki/client/cert.pem" "$pki/client/key.pem" "$pki/other/"
DOCKER_HOST=$tls_engine_sock "$HOIST_SRC/scripts/base-images" busybox >/dev/null 2>&1 || fail "busybox image"
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
  assert_eq "over-tls-session" "$(DOCKER_HOST=$tls_engine_sock docker_cli run --rm --network none hoist-tls-bk-$$ cat /s.txt)" "BuildKit session over TLS"
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
