#!/usr/bin/env bash
# Shell completion: `hoist completion bash` is sourced and its function is
# called the way bash calls it (COMP_WORDS, COMP_CWORD), and COMPREPLY is
# checked: commands, every flag of each command's option table (asked of
# the CLI's own --help output, so a flag the parser gained and the script
# missed fails here), stage names for --target from -f or the context's
# Dockerfile, docker contexts for --context from a scratch context store,
# fixed choices, files. zsh and fish scripts are syntax-checked when those
# shells are installed. Needs no engine.
. "$(dirname "$0")/lib.sh"

script=$tmp/hoist.bash
"$HOIST" completion bash >"$script"
bash -n "$script"
# shellcheck source=/dev/null
. "$script"
complete -p hoist | grep -q -- '-F _hoist'

# complete WORD...: the last word is the one being completed.
complete_words() {
  COMP_WORDS=("$HOIST" "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _hoist
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
has() { # has WORD OUTPUT
  grep -qx -- "$1" <<<"$2" || fail "completion lacks '$1'; got: $(tr '\n' ' ' <<<"$2")"
}
hasnt() {
  ! grep -qx -- "$1" <<<"$2" || fail "completion offers '$1'; got: $(tr '\n' ' ' <<<"$2")"
}

# commands
out=$(complete_words "")
for c in build check context doctor init parse pin push version completion help; do has "$c" "$out"; done
out=$(complete_words "bu")
[ "$out" = build ] || fail "bu -> $out"
out=$(complete_words "-")
has --verbose "$out"; has --version "$out"; has -v "$out"

# Every long flag each command's --help lists in its option column is
# completed (the parser's table and the script cannot drift apart); flags
# named inside descriptions ("RUN --mount=type=secret") are not options.
for c in ${HOIST_TEST_COMMANDS:-build check context doctor init parse pin push version completion}; do
  out=$(complete_words "$c" "--")
  flags=$("$HOIST" "$c" --help | grep -oE -- '^[[:space:]]+(-[[:alnum:]],? +)?--[a-z][a-z-]+' \
    | grep -oE -- '--[a-z][a-z-]+' | sort -u)
  for f in $flags; do
    grep -qE -- "^$f=?\$" <<<"$out" || fail "hoist $c: '$f' (in --help) is not completed"
  done
done
out=$(complete_words build -)
has -f "$out"; has -t "$out"

# --target: the stages of the Dockerfile given with -f, of the context
# directory's Dockerfile, and of ./Dockerfile
mkdir -p "$tmp/ctx" "$tmp/other"
printf 'FROM busybox AS Base\nFROM base AS builder\nRUN true\nFROM scratch AS final\nFROM scratch\n' >"$tmp/ctx/Dockerfile"
printf 'FROM busybox AS only-here\n' >"$tmp/other/Dockerfile.alt"
out=$(complete_words build --target "")
[ -z "$out" ] || (cd "$tmp" && true)
out=$(complete_words build "$tmp/ctx" --target "")
has base "$out"; has builder "$out"; has final "$out"
[ "$(wc -l <<<"$out")" = 3 ] || fail "unnamed stage completed: $out"
out=$(complete_words build "$tmp/ctx" --target "b")
[ "$(tr '\n' ' ' <<<"$out")" = "base builder " ] || fail "--target b -> $out"
out=$(complete_words build -f "$tmp/other/Dockerfile.alt" --target "")
[ "$out" = only-here ] || fail "-f: $out"
out=$(complete_words build "--file=$tmp/other/Dockerfile.alt" --target "")
[ "$out" = only-here ] || fail "--file=: $out"
out=$(cd "$tmp/ctx" && complete_words build --target "")
has builder "$out"
# bash splits --target=x at '=' (COMP_WORDBREAKS): both forms work
out=$(complete_words build "$tmp/ctx" --target = "fi")
[ "$out" = final ] || fail "--target = fi -> $out"
out=$(complete_words build "$tmp/ctx" "--target=fi")
[ "$out" = final ] || fail "--target=fi -> $out"
# a Dockerfile that does not parse completes nothing, silently
printf 'FROM\n' >"$tmp/other/Dockerfile"
out=$(complete_words build "$tmp/other" --target "" 2>&1)
[ -z "$out" ] || fail "bad Dockerfile: $out"

# --context: the docker CLI's context store ($DOCKER_CONFIG/contexts/meta)
export DOCKER_CONFIG=$tmp/dockercfg
for name in staging prod-eu; do
  d=$DOCKER_CONFIG/contexts/meta/$(printf '%s' "$name" | sha256sum | cut -d' ' -f1)
  mkdir -p "$d"
  printf '{"Name":"%s","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///tmp/x.sock","SkipTLSVerify":false}}}' "$name" >"$d/meta.json"
done
mkdir -p "$DOCKER_CONFIG/contexts/meta/broken"; echo '{' >"$DOCKER_CONFIG/contexts/meta/broken/meta.json"
out=$(complete_words build --context "")
[ "$(tr '\n' ' ' <<<"$out")" = "default prod-eu staging " ] || fail "--context: $out"
out=$(complete_words doctor --context "st")
[ "$out" = staging ] || fail "doctor --context st -> $out"
# check --context is a directory, not a docker context
out=$(cd "$tmp" && complete_words check --context "ct")
[ "$out" = ctx ] || fail "check --context ct -> $out"
unset DOCKER_CONFIG

# fixed choices and rule IDs
out=$(complete_words check --format "")
for f in tty json sarif checkstyle gnu codeclimate; do has "$f" "$out"; done
out=$(complete_words check --format=s)
[ "$out" = sarif ] || fail "--format=s -> $out"
out=$(complete_words build --progress "")
has plain "$out"; has quiet "$out"
out=$(complete_words build --engine "")
has auto "$out"; has api "$out"
out=$(complete_words check --ignore "DL300")
has DL3006 "$out"; hasnt HS001 "$out"
out=$(complete_words completion "")
[ "$(tr '\n' ' ' <<<"$out")" = "bash fish zsh " ] || fail "completion shells: $out"
out=$(complete_words help "pu")
[ "$out" = push ] || fail "help pu -> $out"
# a flag value that is free text completes nothing, and a flag's value is
# not taken for the operand
out=$(complete_words build -t "")
[ -z "$out" ] || fail "-t value: $out"
out=$(cd "$tmp" && complete_words build -t x "ct")
[ "$out" = ctx ] || fail "operand after -t x: $out"
# files for -f
out=$(cd "$tmp/other" && complete_words check -f "Dock")
has Dockerfile "$out"; has Dockerfile.alt "$out"

# the other shells' scripts: generated, and valid when the shell is here
"$HOIST" completion zsh >"$tmp/_hoist"
"$HOIST" completion fish >"$tmp/hoist.fish"
grep -q '^#compdef hoist' "$tmp/_hoist"
grep -q -- "-l target" "$tmp/hoist.fish"
if command -v zsh >/dev/null; then zsh -n "$tmp/_hoist"; fi
if command -v fish >/dev/null; then fish --no-execute "$tmp/hoist.fish"; fi
expect_exit 2 "$HOIST" completion tcsh
# the built scripts meson installs are the same as what the CLI prints
cmp "$script" "$(dirname "$HOIST")/completions/hoist"
echo "completion: ok"
