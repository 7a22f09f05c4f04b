#!/usr/bin/env bash
# hoist check: .hoist.yaml discovery, --config, --ignore and
# --failure-threshold precedence, pragmas, hadolint's config spelling, the
# context rules naming the ignore-file line, and the shellcheck note.
. "$(dirname "$0")/lib.sh"

mkdir -p "$tmp/ctx"
cat >"$tmp/ctx/Dockerfile" <<'DF'
FROM debian
# hadolint ignore=DL3015
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
COPY secret.txt /app/
DF
echo x >"$tmp/ctx/secret.txt"
printf '# keep secrets out\n*.txt\n' >"$tmp/ctx/.dockerignore"

codes() { python3 -c 'import json,sys; print(" ".join(sorted({f["code"] for f in json.load(sys.stdin)})))'; }

expect_exit 1 "$HOIST" check --no-shellcheck --format json "$tmp/ctx"
c=$(printf '%s' "$out" | codes)
assert_contains "$c" "HS002"
assert_contains "$c" "DL3008"
assert_not_contains "$c" "DL3015"
assert_not_contains "$c" "CopyIgnoredFile"
msg=$(printf '%s' "$out" | python3 -c 'import json,sys; print([f["message"] for f in json.load(sys.stdin) if f["code"]=="HS002"][0])')
assert_contains "$msg" ".dockerignore:2"
assert_contains "$msg" "*.txt"

# .hoist.yaml in the context is picked up
cat >"$tmp/ctx/.hoist.yaml" <<'Y'
check:
  ignored: [HS002]
  override:
    error: [DL3006]
  failure-threshold: error
Y
expect_exit 1 "$HOIST" check --no-shellcheck --format json "$tmp/ctx"
c=$(printf '%s' "$out" | codes)
assert_not_contains "$c" "HS002"
assert_contains "$c" "CopyIgnoredFile"
lvl=$(printf '%s' "$out" | python3 -c 'import json,sys; print([f["level"] for f in json.load(sys.stdin) if f["code"]=="DL3006"][0])')
assert_eq "error" "$lvl" "DL3006 level from config"

# --ignore on the command line beats the config's override
expect_exit 0 "$HOIST" check --no-shellcheck --ignore DL3006 --format json "$tmp/ctx"
# --failure-threshold beats the config's
expect_exit 1 "$HOIST" check --no-shellcheck --ignore DL3006 --failure-threshold warning --format json "$tmp/ctx"

# --config with hadolint's spelling; an unknown rule is invalid input (4)
printf 'ignored:\n  - DL3006\n  - DL3008\ntrustedRegistries:\n  - ghcr.io\n' >"$tmp/hadolint.yaml"
expect_exit 1 "$HOIST" check --no-shellcheck --config "$tmp/hadolint.yaml" --format json "$tmp/ctx"
c=$(printf '%s' "$out" | codes)
assert_contains "$c" "DL3026"
assert_not_contains "$c" "DL3008"
printf 'ignored: [DL9999]\n' >"$tmp/badcfg.yaml"
expect_exit 4 "$HOIST" check --config "$tmp/badcfg.yaml" "$tmp/ctx"
assert_contains "$err" "badcfg.yaml:1"
expect_exit 2 "$HOIST" check --ignore NOTARULE "$tmp/ctx"

# shellcheck: SC codes when installed, a note when not
printf 'FROM alpine:3.19\nARG name\nRUN echo $name\n' >"$tmp/sc.Dockerfile"
if command -v shellcheck >/dev/null; then
  expect_exit 0 "$HOIST" check --format json "$tmp/sc.Dockerfile"
  assert_contains "$out" "SC2086"
  expect_exit 0 "$HOIST" check --ignore SC2086 --format json "$tmp/sc.Dockerfile"
  assert_not_contains "$out" "SC2086"
  # the verdict cache: filled on the first run, read on the next (a doctored
  # entry shows through), bypassed by --no-cache and HOIST_NO_CACHE=1
  expect_exit 0 env HOIST_NO_CACHE=0 XDG_CACHE_HOME="$tmp/cache" "$HOIST" check --format json "$tmp/sc.Dockerfile"
  first=$out
  entries=("$tmp"/cache/hoist/shellcheck/*.json)
  [ "${#entries[@]}" = 1 ] && [ -s "${entries[0]}" ] || fail "no cache entry: ${entries[*]}"
  sed -i 's/Double quote/Cached: double quote/' "${entries[0]}"
  expect_exit 0 env HOIST_NO_CACHE=0 XDG_CACHE_HOME="$tmp/cache" "$HOIST" check --format json "$tmp/sc.Dockerfile"
  assert_contains "$out" "Cached: double quote"
  expect_exit 0 env HOIST_NO_CACHE=0 XDG_CACHE_HOME="$tmp/cache" "$HOIST" check --no-cache --format json "$tmp/sc.Dockerfile"
  assert_eq "$first" "$out" "--no-cache runs shellcheck"
  expect_exit 0 env HOIST_NO_CACHE=1 XDG_CACHE_HOME="$tmp/cache" "$HOIST" check --format json "$tmp/sc.Dockerfile"
  assert_eq "$first" "$out" "HOIST_NO_CACHE=1 runs shellcheck"
fi
expect_exit 0 env PATH=/nonexistent "$HOIST" check --format json "$tmp/sc.Dockerfile"
assert_contains "$err" "shellcheck is not installed"
echo ok
