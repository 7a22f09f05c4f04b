# test_engine_ssh.sh - ssh:// endpoints: an sshd of this test's own on
# 127.0.0.1 forwards to the private engine's socket; doctor and a build work
# through it, and a missing remote socket and a refused key are diagnosed.
. "$HOIST_SRC/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root to run sshd"
[ -x /usr/sbin/sshd ] || skip "no sshd (openssh-server)"
command -v ssh-keygen >/dev/null || skip "no ssh-keygen"
remote_socket=${DOCKER_HOST#unix://}

keys=$tmp/ssh && mkdir -p "$keys" && chmod 700 "$keys"
ssh-keygen -q -t ed25519 -N '' -f "$keys/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$keys/client_key"
ssh-keygen -q -t ed25519 -N '' -f "$keys/stranger_key"
cp "$keys/client_key.pub" "$keys/authorized_keys"
port=$(for p in $(seq 22220 22320); do ss -Hltn "sport = :$p" | grep -q . || { echo $p; break; }; done)
mkdir -p /run/sshd
cat > "$keys/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $keys/host_key
AuthorizedKeysFile $keys/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowStreamLocalForwarding yes
PidFile $keys/sshd.pid
CFG
/usr/sbin/sshd -f "$keys/sshd_config" -D -e 2>"$keys/sshd.log" &
sshd_pid=$!
on_exit "kill $sshd_pid 2>/dev/null; wait $sshd_pid 2>/dev/null"
for _ in $(seq 1 50); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.1; done

write_config() { # identity file
  cat > "$keys/ssh_config" <<CFG
Host 127.0.0.1
  IdentityFile $1
  IdentitiesOnly yes
  StrictHostKeyChecking accept-new
  UserKnownHostsFile $keys/known_hosts
CFG
}
write_config "$keys/client_key"
export HOIST_SSH_CONFIG=$keys/ssh_config HOIST_SSH_SOCKET=$remote_socket
ssh_host=ssh://root@127.0.0.1:$port

expect_exit 0 env DOCKER_HOST="$ssh_host" "$HOIST" doctor
assert_contains "$out" "$ssh_host"
assert_contains "$out" "engine usable: yes"

cd "$tmp"
mkdir -p app && printf 'FROM hoist-test/busybox:1\nRUN echo over-ssh > /s\n' > app/Dockerfile
tag=hoist-it-ssh-$$
on_exit "docker_cli rmi -f $tag >/dev/null 2>&1"
expect_exit 0 env DOCKER_HOST="$ssh_host" "$HOIST" build app -t "$tag" --network none --progress plain
assert_eq "over-ssh" "$(docker_cli run --rm --network none "$tag" cat /s)" "image built over ssh"
# The BuildKit session (lib/session) hijacks a connection through the tunnel.
bk=$(dirname "$HOIST")/tests/session/bkbuild
if [ -x "$bk" ]; then
  on_exit "docker_cli rmi -f $tag-bk >/dev/null 2>&1"
  echo over-ssh-session > app/s.txt
  printf 'FROM hoist-test/busybox:1\nCOPY s.txt /s.txt\nRUN sleep 2\n' > app/Session.Dockerfile
  expect_exit 0 env DOCKER_HOST="$ssh_host" "$bk" -t "$tag-bk" -f app/Session.Dockerfile app
  assert_eq "over-ssh-session" "$(docker_cli run --rm --network none "$tag-bk" cat /s.txt)" "BuildKit session over ssh"
fi
[ -z "$(ls -d /tmp/hoist-ssh.* 2>/dev/null)" ] || fail "tunnel directories left behind: $(ls -d /tmp/hoist-ssh.*)"
pgrep -f -- "-L /tmp/hoist-ssh" >/dev/null && fail "ssh tunnel process left behind"

# The daemon socket does not exist on the remote host.
expect_exit 3 env DOCKER_HOST="$ssh_host" HOIST_SSH_SOCKET=/run/no-such-docker.sock "$HOIST" doctor
assert_contains "$out" "could not open the Docker socket /run/no-such-docker.sock"

# A key the server does not accept.
write_config "$keys/stranger_key"
expect_exit 3 env DOCKER_HOST="$ssh_host" "$HOIST" doctor
assert_contains "$out" "ssh to root@127.0.0.1 failed"
assert_contains "$out" "Permission denied"
