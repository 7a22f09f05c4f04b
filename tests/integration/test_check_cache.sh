#!/usr/bin/env bash
# test_check_cache.sh - the layer-cache rules of hoist check (HS011, HS012,
# HS013) against the real engine: what each finding claims is what the
# engine does, and the fix each finding gives is what keeps the cache.
#  1. HS011: with COPY . above the install, editing a source file reruns the
#     install (BuildKit); with the COPY/RUN/COPY lines the hint gives, the
#     install stays cached and hoist check is quiet; manifests copied first
#     while COPY . still precedes the install: it reruns (reported too).
#  2. HS012: a changed build-arg reruns a RUN below its ARG that does not use
#     it, with BuildKit and with the classic builder (docs/rules.md); the
#     ARG moved below, as the hint says, keeps the RUN cached; a LABEL that
#     uses it makes the next COPY miss with the classic builder only.
#  3. HS013: a log file that changes reruns COPY . and the RUN after it; the
#     ignore lines of the hint keep both cached and end the finding.
#  4. the findings in json and SARIF.
# The install is a stand-in `npm` (busybox has no node): the rules read the
# command, the engine runs the script. Every build content carries this
# run's token so that no other build's cache answers.
. "$HOIST_SRC/tests/integration/lib.sh"

tag=hoist-it-cache-$$
token="$$-$RANDOM-$(date +%s%N)"
on_exit "docker_cli rmi -f $tag-a $tag-b $tag-c $tag-d $tag-e $tag-f >/dev/null 2>&1"
cd "$tmp"

# steps FILE: "LINE cached|ran" for every step of a --progress json build.
steps() {
  python3 - "$1" <<'PY'
import json, sys
ran, cached = {}, set()
for l in open(sys.argv[1]):
    try:
        e = json.loads(l)
    except ValueError:
        continue
    if e.get("type") in ("step", "step-done") and e.get("line"):
        ran[e["line"]] = e.get("keyword")
    if e.get("type") == "step-cached" and e.get("line"):
        cached.add(e["line"])
for line in sorted(ran):
    print(line, "cached" if line in cached else "ran")
PY
}
# build DIR TAG ENGINE [ARGS...]: builds, leaves the steps in $tmp/steps.
build() {
  local dir=$1 t=$2 engine=$3; shift 3
  "$HOIST" build "$dir" --engine "$engine" --network none -t "$t" --progress json --no-check "$@" \
    >"$tmp/events.json" 2>"$tmp/build.err" || fail "build of $dir ($engine) failed: $(tail -5 "$tmp/build.err")"
  steps "$tmp/events.json" >"$tmp/steps"
}
step_is() { # LINE cached|ran what
  local got
  got=$(awk -v l="$1" '$1 == l {print $2}' "$tmp/steps")
  [ "$got" = "$2" ] || fail "$3: step at line $1 $got, expected $2 (steps: $(tr '\n' ' ' <"$tmp/steps"))"
}
# finding FILE CODE FIELD: the field of the first CODE finding in a json report.
finding() {
  python3 -c 'import json,sys; d=[f for f in json.load(open(sys.argv[1])) if f["code"]==sys.argv[2]]; print(d[0][sys.argv[3]] if d else "")' "$@"
}
check_json() { # DIR -> $tmp/check.json
  "$HOIST" check --no-shellcheck --format json --failure-threshold none "$1" >"$tmp/check.json" ||
    fail "hoist check $1 failed"
}

# ---- 1. HS011 ---------------------------------------------------------------
mkdir -p a/src a/tools
printf '{"name":"cache-%s"}\n' "$token" > a/package.json
printf '{"lockfileVersion":3,"t":"%s"}\n' "$token" > a/package-lock.json
echo "console.log(1)" > a/src/index.js
cat > a/tools/npm <<'SH'
#!/bin/sh
# stand-in for npm ci: "installs" what package-lock.json lists
mkdir -p node_modules && cp package-lock.json node_modules/.installed
SH
chmod +x a/tools/npm
cat > a/Dockerfile <<'DF'
FROM hoist-test/busybox:1
COPY tools/npm /bin/npm
WORKDIR /app
COPY . .
RUN npm ci
DF
check_json a
assert_eq 4 "$(finding "$tmp/check.json" HS011 line)" "HS011 line"
assert_contains "$(finding "$tmp/check.json" HS011 message)" "(package.json, package-lock.json)"
hint=$(finding "$tmp/check.json" HS011 hint)
assert_contains "$hint" '`COPY package.json package-lock.json ./`, `RUN npm ci`, `COPY . .`'

build a "$tag-a" buildkit
echo "console.log(2)" > a/src/index.js
build a "$tag-a" buildkit
step_is 4 ran "COPY . after a source edit"
step_is 5 ran "the install below COPY . after a source edit"

# The fix of the hint, line for line.
mkdir -p b && cp -r a/src a/tools a/package.json a/package-lock.json b/
{ printf 'FROM hoist-test/busybox:1\nCOPY tools/npm /bin/npm\nWORKDIR /app\n'
  printf '%s\n' "$hint" | grep -o '`[^`]*`' | tr -d '`'
} > b/Dockerfile
assert_eq "COPY package.json package-lock.json ./" "$(sed -n 4p b/Dockerfile)" "fixed Dockerfile line 4"
assert_eq "RUN npm ci" "$(sed -n 5p b/Dockerfile)" "fixed Dockerfile line 5"
assert_eq "COPY . ." "$(sed -n 6p b/Dockerfile)" "fixed Dockerfile line 6"
check_json b
assert_eq "" "$(finding "$tmp/check.json" HS011 line)" "HS011 after the fix"
build b "$tag-b" buildkit
echo "console.log(3)" > b/src/index.js
build b "$tag-b" buildkit
step_is 5 cached "the install above COPY . after a source edit"
step_is 6 ran "COPY . after a source edit"
# ... and the lockfile still matters.
printf '{"lockfileVersion":3,"t":"%s-2"}\n' "$token" > b/package-lock.json
build b "$tag-b" buildkit
step_is 5 ran "the install after a lockfile edit"

# Manifests first, but COPY . still above the install: reported, and right.
mkdir -p c && cp -r a/src a/tools a/package.json a/package-lock.json c/
cat > c/Dockerfile <<'DF'
FROM hoist-test/busybox:1
COPY tools/npm /bin/npm
WORKDIR /app
COPY package.json package-lock.json ./
COPY . .
RUN npm ci
DF
check_json c
assert_eq 5 "$(finding "$tmp/check.json" HS011 line)" "HS011 (manifests copied first, COPY . above the install)"
build c "$tag-c" buildkit
echo "console.log(4)" > c/src/index.js
build c "$tag-c" buildkit
step_is 6 ran "the install below COPY . although the manifests were copied first"

# ---- 2. HS012 ---------------------------------------------------------------
mkdir -p d
echo "$token" > d/data
cat > d/Dockerfile <<'DF'
FROM hoist-test/busybox:1
ARG BUILD_DATE
RUN cat /etc/hostname >/dev/null; echo expensive > /step
COPY data /data
DF
check_json d
assert_eq 2 "$(finding "$tmp/check.json" HS012 line)" "HS012 line"
assert_contains "$(finding "$tmp/check.json" HS012 message)" "(line 3)"
for engine in buildkit api; do
  build d "$tag-d" $engine --build-arg "BUILD_DATE=$token-1-$engine"
  build d "$tag-d" $engine --build-arg "BUILD_DATE=$token-2-$engine"
  step_is 3 ran "a RUN below ARG BUILD_DATE that does not use it, new value ($engine)"
  build d "$tag-d" $engine --build-arg "BUILD_DATE=$token-2-$engine"
  step_is 3 cached "the same RUN, same value ($engine)"
done
# The fix: the ARG below the RUN, where it is used.
cat > d/Dockerfile <<'DF'
FROM hoist-test/busybox:1
RUN cat /etc/hostname >/dev/null; echo expensive > /step
COPY data /data
ARG BUILD_DATE
LABEL org.opencontainers.image.created=$BUILD_DATE
DF
check_json d
assert_eq "" "$(finding "$tmp/check.json" HS012 line)" "HS012 after the fix"
for engine in buildkit api; do
  build d "$tag-d" $engine --build-arg "BUILD_DATE=$token-3-$engine"
  build d "$tag-d" $engine --build-arg "BUILD_DATE=$token-4-$engine"
  step_is 2 cached "the RUN above the ARG, new value ($engine)"
done
created=$(docker_cli image inspect -f '{{index .Config.Labels "org.opencontainers.image.created"}}' "$tag-d")
assert_eq "$token-4-api" "$created" "the label still gets the value"
# A LABEL that uses it, then a COPY: a miss for the classic builder only.
mkdir -p e
echo "$token" > e/data
printf 'FROM hoist-test/busybox:1\nARG BUILD_DATE\nLABEL d=$BUILD_DATE\nCOPY data /data\n' > e/Dockerfile
build e "$tag-e" buildkit --build-arg "BUILD_DATE=$token-1"
build e "$tag-e" buildkit --build-arg "BUILD_DATE=$token-2"
step_is 4 cached "COPY after a LABEL with a new value (buildkit)"
build e "$tag-e" api --build-arg "BUILD_DATE=$token-1"
build e "$tag-e" api --build-arg "BUILD_DATE=$token-2"
step_is 4 ran "COPY after a LABEL with a new value (classic)"

# ---- 3. HS013 ---------------------------------------------------------------
mkdir -p f/src
echo "$token" > f/src/main.c
echo "started" > f/app.log
printf 'node_modules\n' > f/.dockerignore
cat > f/Dockerfile <<'DF'
FROM hoist-test/busybox:1
WORKDIR /app
COPY . .
RUN ls -R /app > /listing
DF
check_json f
assert_eq 3 "$(finding "$tmp/check.json" HS013 line)" "HS013 line"
assert_contains "$(finding "$tmp/check.json" HS013 message)" "app.log (log)"
hint=$(finding "$tmp/check.json" HS013 hint)
assert_eq "add to .dockerignore: *.log" "$hint" "HS013 hint"
build f "$tag-f" buildkit
echo "one more line" >> f/app.log
build f "$tag-f" buildkit
step_is 3 ran "COPY . after a log line"
step_is 4 ran "the RUN after COPY . after a log line"
# The lines of the hint.
printf '%s\n' "${hint#add to .dockerignore: }" | tr ',' '\n' | sed 's/^ *//' >> f/.dockerignore
check_json f
assert_eq "" "$(finding "$tmp/check.json" HS013 line)" "HS013 after the fix"
build f "$tag-f" buildkit
echo "and another" >> f/app.log
build f "$tag-f" buildkit
step_is 3 cached "COPY . after a log line, logs ignored"
step_is 4 cached "the RUN after it"

# ---- 4. formats -------------------------------------------------------------
"$HOIST" check --no-shellcheck --format sarif --failure-threshold none a >"$tmp/a.sarif" || fail "sarif"
python3 - "$tmp/a.sarif" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
res = [r for r in run["results"] if r["ruleId"] == "HS011"]
assert len(res) == 1, run["results"]
loc = res[0]["locations"][0]["physicalLocation"]
assert loc["region"]["startLine"] == 4, loc
assert res[0]["level"] == "warning", res[0]
rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
assert "HS011" in rules, sorted(rules)
PY
"$HOIST" check --no-shellcheck --format json --no-context --failure-threshold none a >"$tmp/nc.json"
assert_eq "" "$(finding "$tmp/nc.json" HS011 line)" "HS011 with --no-context"
assert_eq 4 "$(finding "$tmp/nc.json" HS008 line)" "HS008 with --no-context"
echo "ok"
