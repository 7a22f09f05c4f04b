#!/usr/bin/env bash
# test_parse_cli.sh - `hoist parse` as a user runs it: JSON on stdout,
# --print round trip, stdin, exit codes and error format (file:line:col,
# hint). Needs no engine.
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq not installed"

cd "$tmp"
cat >Dockerfile <<'DF'
# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache \
    go build -o /out/app .
FROM scratch
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
DF

# default file, JSON
expect_exit 0 "$HOIST" parse
assert_eq 6 "$(jq '.instructions | length' <<<"$out")" "instruction count"
assert_eq "docker/dockerfile:1" "$(jq -r '.directives.syntax' <<<"$out")" "syntax directive"
assert_eq "run" "$(jq -r '.instructions[2].cmd' <<<"$out")" "cmd"
assert_eq 4 "$(jq -r '.instructions[2].line' <<<"$out")" "line"
assert_eq 5 "$(jq -r '.instructions[2].end_line' <<<"$out")" "end_line"
assert_eq "go build -o /out/app ." "$(jq -r '.instructions[2].args' <<<"$out")" "args"
assert_eq '["/app"]' "$(jq -c '.instructions[5].args' <<<"$out")" "exec args"

# --compact is one line; -f and a path mean the same
expect_exit 0 "$HOIST" parse -f Dockerfile --json --compact
assert_eq 1 "$(wc -l <<<"$out")" "compact lines"

# --print round trip: printing the printed file changes nothing
expect_exit 0 "$HOIST" parse Dockerfile --print
printf '%s\n' "$out" >printed
expect_exit 0 "$HOIST" parse printed --print
assert_eq "$(cat printed)" "$out" "print of print"
a=$("$HOIST" parse Dockerfile --compact | jq -c 'del(.instructions[].line, .instructions[].end_line, .instructions[].column, .instructions[].original)')
b=$("$HOIST" parse printed --compact | jq -c 'del(.instructions[].line, .instructions[].end_line, .instructions[].column, .instructions[].original)')
assert_eq "$a" "$b" "AST after print"

# stdin
expect_exit 0 "$HOIST" parse - --compact <Dockerfile
assert_eq 6 "$(jq '.instructions | length' <<<"$out")" "stdin"

# errors: exit 4, file:line:col, a hint
printf 'FROM alpine\n\nRUNN echo\n' >bad
expect_exit 4 "$HOIST" parse bad
assert_contains "$err" "bad:3:1: unknown instruction: RUNN" "error location"
assert_contains "$err" "hint: did you mean RUN?" "hint"
printf 'FROM alpine\nRUN <<EOF\nno end\n' >heredoc
expect_exit 4 "$HOIST" parse heredoc
assert_contains "$err" "heredoc:2:1: unterminated heredoc" "heredoc error"
: >empty
expect_exit 4 "$HOIST" parse empty
assert_contains "$err" "file with no instructions" "empty file"
expect_exit 4 "$HOIST" parse does-not-exist
assert_contains "$err" "does-not-exist" "missing file"
# --ast-only keeps what only the instruction layer rejects
expect_exit 0 "$HOIST" parse bad --ast-only --compact
assert_eq "runn" "$(jq -r '.instructions[1].cmd' <<<"$out")" "ast-only"

# usage errors: exit 2
expect_exit 2 "$HOIST" parse --json --print
expect_exit 2 "$HOIST" parse a b
expect_exit 2 "$HOIST" parse --bogus
expect_exit 0 "$HOIST" parse --help
assert_contains "$out" "usage: hoist parse"
