# tests/integration/registry/lib_registry.sh - registries with authentication
# for the registry tests, started and stopped by the test that sources this
# (after lib.sh). Everything listens on 127.0.0.1 only, on free ports; the
# private engine treats 127.0.0.0/8 as insecure, so it pushes and pulls
# there without further set-up. Debian's docker-registry; bcrypt htpasswd
# entries from python3's crypt (Blowfish); certificates from openssl; the
# token service is token_server.py beside this file.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something listens (5 s)
wait_port() {
  local i
  for i in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# start_daemon NAME CMD...: starts CMD in the background (its own session),
# logs to $tmp/NAME.log, killed on exit.
start_daemon() {
  local name=$1; shift
  setsid "$@" </dev/null >"$tmp/$name.log" 2>&1 &
  local pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
}

registry_yml() { # PORT DIR AUTH_YAML [TLS_YAML]
  cat <<YML
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $2/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$1
${4:-}
$3
YML
}

# start_basic_registry USER PASS: sets REG_BASIC=127.0.0.1:PORT (htpasswd auth).
start_basic_registry() {
  local dir=$tmp/reg-basic port
  mkdir -p "$dir"
  python3 -W ignore -c 'import crypt,sys; print(sys.argv[1]+":"+crypt.crypt(sys.argv[2], crypt.mksalt(crypt.METHOD_BLOWFISH)))' \
    "$1" "$2" > "$dir/htpasswd"
  port=$(free_port)
  registry_yml "$port" "$dir" "auth:
  htpasswd:
    realm: hoist-basic
    path: $dir/htpasswd" > "$dir/config.yml"
  start_daemon reg-basic /usr/bin/docker-registry serve "$dir/config.yml"
  wait_port "$port" || { cat "$tmp/reg-basic.log" >&2; fail "the htpasswd registry did not start"; }
  REG_BASIC=127.0.0.1:$port
}

# start_token_registry USERS_JSON: a registry with `auth: token` served over
# TLS (a test CA, $tmp/reg-token/ca.crt) and its token service over plain
# HTTP. Sets REG_TOKEN=127.0.0.1:PORT, REG_TOKEN_CA, REG_REALM.
start_token_registry() {
  local dir=$tmp/reg-token port tport
  mkdir -p "$dir"
  printf '%s' "$1" > "$dir/users.json"
  (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=hoist test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=127.0.0.1"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' > srv.ext
    openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt -days 2 -extfile srv.ext
    openssl req -x509 -newkey rsa:2048 -nodes -keyout sign.key -out sign.crt -days 2 -subj "/CN=hoist token signer"
  ) >"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log" >&2; fail "openssl could not make the test certificates"; }
  tport=$(free_port)
  REG_REALM=http://127.0.0.1:$tport/token
  start_daemon token-server python3 "$HOIST_SRC/tests/integration/registry/token_server.py" "$tport" \
    "$dir/sign.key" "$dir/sign.crt" hoist-test-issuer "$dir/users.json"
  wait_port "$tport" || { cat "$tmp/token-server.log" >&2; fail "the token server did not start"; }
  port=$(free_port)
  registry_yml "$port" "$dir" "auth:
  token:
    realm: $REG_REALM
    service: hoist-token-test
    issuer: hoist-test-issuer
    rootcertbundle: $dir/sign.crt" "  tls:
    certificate: $dir/srv.crt
    key: $dir/srv.key" > "$dir/config.yml"
  start_daemon reg-token /usr/bin/docker-registry serve "$dir/config.yml"
  wait_port "$port" || { cat "$tmp/reg-token.log" >&2; fail "the token registry did not start"; }
  REG_TOKEN=127.0.0.1:$port
  REG_TOKEN_CA=$dir/ca.crt
}

# auth_config DIR REGISTRY USER PASS: a config.json with an `auths` entry.
auth_config() {
  mkdir -p "$1"
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$2" "$(printf '%s:%s' "$3" "$4" | base64 -w0)" > "$1/config.json"
}

# helper_script DIR NAME USER PASS: docker-credential-NAME answering `get`
# for any server with USER/PASS, and `list`.
helper_script() {
  mkdir -p "$1"
  cat > "$1/docker-credential-$2" <<SH
#!/bin/sh
read -r url
case "\$1" in
  get) printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "\$url" '$3' '$4' ;;
  list) printf '{}' ;;
  *) echo "unknown action"; exit 1 ;;
esac
SH
  chmod 755 "$1/docker-credential-$2"
}
