#!/usr/bin/env bash
# The CI recipes of docs/ci.md and the hook of .pre-commit-hooks.yaml, run
# for real: every `hoist check ... > FILE` line of docs/ci.md runs in a
# sample project and FILE is validated against its format's shape
# (tests/tools/validate_report.py: SARIF 2.1.0, GitLab code quality); the
# pre-commit hook's entry runs on the files its `files` pattern selects, as
# pre-commit does. Needs no engine.
. "$(dirname "$0")/lib.sh"

# A sample repository: a Dockerfile with findings (app.py is missing from
# the context: HS001, an error), one in a subfolder.
proj=$tmp/proj
mkdir -p "$proj/svc"
cat >"$proj/Dockerfile" <<'DF'
FROM debian
RUN apt-get update && apt-get install -y curl
COPY app.py /app/
CMD python /app/app.py
DF
printf 'FROM alpine:3.19\nRUN cd /tmp && echo hi\nRUN cd /tmp && echo hi\n' >"$proj/svc/Dockerfile"

# --- docs/ci.md recipes -------------------------------------------------
mapfile -t recipes < <(grep -oE 'hoist check [^#]*> *[A-Za-z0-9._-]+' "$HOIST_SRC/docs/ci.md")
[ ${#recipes[@]} -ge 2 ] || { echo "docs/ci.md: expected the GitHub and GitLab recipes" >&2; exit 1; }
kinds=""
for line in "${recipes[@]}"; do
  file=$(sed -E 's/.*> *//' <<<"$line")
  cmd=$(sed -E 's/ *>.*//; s/^hoist //' <<<"$line")
  echo "recipe: hoist $cmd > $file"
  rc=0
  # word splitting is the point: the recipe's words are the arguments
  # shellcheck disable=SC2086
  (cd "$proj" && HOIST_NO_CACHE=1 "$HOIST" $cmd >"$file") || rc=$?
  # findings reach the default threshold (exit 1); anything else is wrong
  [ "$rc" = 1 ] || { echo "recipe exited $rc, expected 1 (findings)" >&2; exit 1; }
  case $file in
    *.sarif) kind=sarif ;;
    *code-quality*|*codequality*) kind=codequality ;;
    *) echo "docs/ci.md: no validator for report $file" >&2; exit 1 ;;
  esac
  python3 "$HOIST_SRC/tests/tools/validate_report.py" "$kind" "$proj/$file"
  kinds="$kinds $kind"
  rm -f "$proj/$file"
done
[[ $kinds == *sarif* && $kinds == *codequality* ]] || { echo "recipes cover:$kinds" >&2; exit 1; }

# The code quality report: right file, line and severity; stable
# fingerprints when lines move; identical findings stay distinct.
(cd "$proj" && "$HOIST" check --no-shellcheck --format gitlab . svc/Dockerfile >"$tmp/a.json") || true
python3 "$HOIST_SRC/tests/tools/validate_report.py" codequality "$tmp/a.json"
sed -i '1i # a comment line that moves everything down' "$proj/svc/Dockerfile"
(cd "$proj" && "$HOIST" check --no-shellcheck --format gitlab . svc/Dockerfile >"$tmp/b.json") || true
python3 - "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
by = lambda doc: {i["fingerprint"]: i for i in doc}
fa, fb = by(a), by(b)
assert set(fa) == set(fb), "fingerprints changed when lines moved"
moved = [fp for fp in fa if fa[fp]["location"]["path"] == "svc/Dockerfile"]
assert moved, a
for fp in moved:
    assert fb[fp]["location"]["lines"]["begin"] == fa[fp]["location"]["lines"]["begin"] + 1
cd = [i for i in a if i["check_name"] == "DL3003"]
assert len(cd) == 2 and cd[0]["fingerprint"] != cd[1]["fingerprint"], cd
dl3006 = [i for i in a if i["check_name"] == "DL3006"][0]
assert dl3006["location"]["path"] == "Dockerfile" and dl3006["location"]["lines"]["begin"] == 1
assert dl3006["severity"] == "major", dl3006
hs = [i for i in a if i["check_name"] == "HS001"][0]
assert hs["severity"] == "critical" and hs["location"]["lines"]["begin"] == 3, hs
PY
# the validator itself rejects what GitLab would
echo '[{"description":"x","check_name":"c","fingerprint":"f","severity":"bad","location":{"path":"D","lines":{"begin":1}}}]' >"$tmp/bad.json"
expect_exit 1 python3 "$HOIST_SRC/tests/tools/validate_report.py" codequality "$tmp/bad.json"
echo '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"D"},"region":{"startLine":0}}}]}]}]}' >"$tmp/bad.sarif"
expect_exit 1 python3 "$HOIST_SRC/tests/tools/validate_report.py" sarif "$tmp/bad.sarif"

# --- .pre-commit-hooks.yaml ----------------------------------------------
hooks=$HOIST_SRC/.pre-commit-hooks.yaml
entry=$(sed -n 's/^ *entry: *//p' "$hooks")
files_re=$(sed -n 's/^ *files: *//p' "$hooks")
[ "$(sed -n 's/^- id: *//p' "$hooks")" = hoist-check ] || { echo "hook id" >&2; exit 1; }
grep -q '^ *language: system$' "$hooks"
[[ $entry == "hoist check"* ]] || { echo "hook entry: $entry" >&2; exit 1; }
# pre-commit matches `files` (a Python regex) against repo-relative paths
python3 - "$files_re" <<'PY'
import re, sys
r = re.compile(sys.argv[1])
for p in ("Dockerfile", "svc/Dockerfile", "Dockerfile.dev", "build/app.Dockerfile", "Containerfile"):
    assert r.search(p), p
for p in ("Dockerfile.d/x.sh", "README.md", "src/dockerfile.c"):
    assert not r.search(p), p
PY
staged=(Dockerfile svc/Dockerfile)
# shellcheck disable=SC2086
(cd "$proj" && PATH=$(dirname "$HOIST"):$PATH ${entry/#hoist/$HOIST} --no-shellcheck "${staged[@]}") >"$tmp/hook.out" 2>&1 && rc=0 || rc=$?
cat "$tmp/hook.out"
[ "$rc" = 1 ] || { echo "hook on failing Dockerfiles exited $rc" >&2; exit 1; }
grep -q 'svc/Dockerfile' "$tmp/hook.out"
printf 'FROM alpine:3.19\nCMD ["true"]\n' >"$proj/svc/Dockerfile"
# shellcheck disable=SC2086
(cd "$proj" && ${entry/#hoist/$HOIST} --no-shellcheck svc/Dockerfile) || { echo "hook failed on a clean Dockerfile" >&2; exit 1; }
echo "ci recipes: ok"
