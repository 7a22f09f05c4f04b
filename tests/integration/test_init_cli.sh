# test_init_cli.sh - `hoist init` as users meet it: every sample's output
# passes `hoist check` with no finding, exit codes (several candidates 2,
# nothing detected 4, unpinned --base 2, existing file 1), never
# overwriting without --force, --stdout and --diff. No engine needed.
. "$HOIST_SRC/tests/integration/lib.sh"

# 1. every sample, every profile: written files pass hoist check cleanly
for lang in c go node python rust java; do
  for args in "" "--profile dev" "--buildkit"; do
    rm -rf "$tmp/s" && cp -r "$HOIST_SRC/tests/data/gen/$lang-sample" "$tmp/s"
    # shellcheck disable=SC2086
    expect_exit 0 "$HOIST" init -q $args "$tmp/s"
    [ -s "$tmp/s/Dockerfile" ] && [ -s "$tmp/s/.dockerignore" ] || fail "$lang $args: files not written"
    expect_exit 0 "$HOIST" check --format gnu "$tmp/s"
    assert_eq "" "$out" "hoist check findings for $lang $args"
  done
done

# 2. --stdout writes nothing and prints exactly the reviewed file
cp -r "$HOIST_SRC/tests/data/gen/go-sample" "$tmp/go"
expect_exit 0 "$HOIST" init --stdout "$tmp/go"
assert_eq "$(cat "$HOIST_SRC/tests/data/gen/expected/go-prod.Dockerfile")" "$out" "--stdout"
assert_contains "$err" "because go.mod: module example.com/greeter, go 1.22"
assert_contains "$err" "CGO_ENABLED=0"
[ ! -e "$tmp/go/Dockerfile" ] || fail "--stdout wrote a Dockerfile"
expect_exit 0 "$HOIST" init --stdout=.dockerignore -q "$tmp/go"
assert_eq "$(cat "$HOIST_SRC/tests/data/gen/expected/go-prod.dockerignore")" "$out" "--stdout=.dockerignore"

# 3. never overwrite without --force; --diff shows what would change
printf 'FROM scratch\n' > "$tmp/go/Dockerfile"
expect_exit 1 "$HOIST" init -q "$tmp/go"
assert_contains "$err" "already exists"
assert_contains "$err" "--force"
assert_eq "FROM scratch" "$(cat "$tmp/go/Dockerfile")" "untouched Dockerfile"
[ ! -e "$tmp/go/.dockerignore" ] || fail "wrote .dockerignore although the Dockerfile exists"
expect_exit 0 "$HOIST" init -q --diff "$tmp/go"
assert_contains "$out" "--- a/Dockerfile"
assert_contains "$out" "-FROM scratch"
assert_contains "$out" "+FROM golang:1.26.1-bookworm AS build"
assert_contains "$out" "+++ b/.dockerignore"
expect_exit 0 "$HOIST" init -q --force "$tmp/go"
assert_eq "$(cat "$HOIST_SRC/tests/data/gen/expected/go-prod.Dockerfile")" "$(cat "$tmp/go/Dockerfile")" "--force"

# 4. several candidates: usage error naming them; --lang chooses
mkdir -p "$tmp/mixed"
cp -r "$HOIST_SRC/tests/data/gen/go-sample/." "$tmp/mixed/"
cp "$HOIST_SRC/tests/data/gen/node-sample/package.json" "$HOIST_SRC/tests/data/gen/node-sample/server.js" "$tmp/mixed/"
expect_exit 2 "$HOIST" init "$tmp/mixed"
assert_contains "$err" "several kinds of project detected: go, node"
assert_contains "$err" "--lang"
[ ! -e "$tmp/mixed/Dockerfile" ] || fail "wrote a Dockerfile without --lang"
expect_exit 0 "$HOIST" init -q --lang node --stdout "$tmp/mixed"
assert_contains "$out" "ENTRYPOINT [\"node\", \"server.js\"]"

# 5. nothing to detect, bad flags
mkdir -p "$tmp/empty"
expect_exit 4 "$HOIST" init "$tmp/empty"
assert_contains "$err" "no project detected"
expect_exit 4 "$HOIST" init --lang rust "$tmp/go"
assert_contains "$err" "Cargo.toml"
expect_exit 2 "$HOIST" init --stdout --base builder=golang:latest "$tmp/go"
assert_contains "$err" "latest"
expect_exit 2 "$HOIST" init --stdout --base runtime=alpine "$tmp/go"
assert_contains "$err" "pin a specific version"
expect_exit 2 "$HOIST" init --base toolchain=x:1 "$tmp/go"
expect_exit 2 "$HOIST" init --profile staging "$tmp/go"
expect_exit 2 "$HOIST" init --lang cobol "$tmp/go"
expect_exit 2 "$HOIST" init "$tmp/go" "$tmp/empty"
expect_exit 0 "$HOIST" init --help
assert_contains "$out" "--base builder=IMAGE"

# 7. dated release lines (issue #14 item 15): a toolchain past its end of
# life is honoured, written, and reported as HS010 (by init and by check);
# `go 1.21` alone is a minimum and gets the newest supported Go.
mkdir -p "$tmp/eol"
printf 'module example.com/eol\n\ngo 1.22\n\ntoolchain go1.22.5\n' > "$tmp/eol/go.mod"
printf 'package main\n\nfunc main() {}\n' > "$tmp/eol/main.go"
expect_exit 0 "$HOIST" init "$tmp/eol"
assert_contains "$err" "reached its end of life on 2025-02-11"
assert_contains "$err" "go 1.22 as the project declares"
grep -qx 'FROM golang:1.22.7-bookworm AS build' "$tmp/eol/Dockerfile" || fail "declared toolchain not honoured"
expect_exit 0 "$HOIST" check "$tmp/eol" --format gnu
assert_contains "$out" "HS010"
assert_contains "$out" "golang 1.22 reached its end of life"
rm -f "$tmp/eol/Dockerfile" "$tmp/eol/.dockerignore"
printf 'module example.com/eol\n\ngo 1.21\n' > "$tmp/eol/go.mod"
expect_exit 0 "$HOIST" init "$tmp/eol"
grep -qx 'FROM golang:1.26.1-bookworm AS build' "$tmp/eol/Dockerfile" || fail "go 1.21 is a minimum: expected the newest supported Go"
assert_not_contains "$err" "HS010"
