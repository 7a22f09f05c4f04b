#!/usr/bin/env bash
# test_build_flags.sh - flag values docker build refuses before it sends
# anything are refused by hoist before it connects (exit 2, nothing
# uploaded), and the ones docker accepts in an odd form are sent the way
# docker sends them (issue #14 item 13). The engine is tools/fake_engine.py,
# which records any upload.
. "$HOIST_SRC/tests/integration/lib.sh"

make_public_dir pub
chmod 777 "$pub"
python3 "$HOIST_SRC/tests/integration/tools/fake_engine.py" "$pub/engine.sock" "$pub" 2>"$tmp/engine.log" &
engine_pid=$!
on_exit "kill $engine_pid 2>/dev/null"
for ((i = 0; i < 100; i++)); do
  curl -sf --unix-socket "$pub/engine.sock" http://x/_ping >/dev/null 2>&1 && break
  sleep 0.1
done
export DOCKER_HOST=unix://$pub/engine.sock
mkdir "$tmp/ctx"
printf 'FROM scratch\nCOPY Dockerfile /\n' >"$tmp/ctx/Dockerfile"

refused() { # FLAG VALUE WORD: exit 2, no upload, the message names WORD
  rm -f "$pub/context.tar"
  expect_exit 2 "$HOIST" build --engine api "$1" "$2" "$tmp/ctx"
  [ ! -f "$pub/context.tar" ] || fail "$1 '$2': the context was uploaded before the value was checked"
  assert_contains "$err" "$3"
}
refused -t 'Bad Tag!' "must be lowercase"
refused -t 'a:b:c' "invalid reference format"
refused --platform foo/bar "unknown operating system"
refused --add-host h:notip "invalid IP address"
refused --add-host bad "bad format"
refused --label =x "empty name"
refused --build-arg =x "empty name"

# accepted as docker accepts them: NAME=IP is sent as NAME:IP, a bare label
rm -f "$pub/context.tar" "$pub/query"
run_capture "$HOIST" build --engine api --add-host h=1.2.3.4 --label solo -t ok/name:1 "$tmp/ctx"
[ -f "$pub/context.tar" ] || fail "a valid build uploaded nothing: $out"
grep -q 'extrahosts=h%3A1.2.3.4' "$pub/query" || fail "add-host not sent as h:1.2.3.4: $(cat "$pub/query")"
