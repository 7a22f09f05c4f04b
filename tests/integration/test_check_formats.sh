#!/usr/bin/env bash
# hoist check: every output format is parsed back (json, sarif, checkstyle,
# gnu, tty) and says the same thing; exit codes follow the threshold;
# unparsable input exits 4. Needs no engine.
. "$(dirname "$0")/lib.sh"

mkdir -p "$tmp/ctx"
cat >"$tmp/ctx/Dockerfile" <<'DF'
FROM debian
RUN apt-get update && apt-get install -y curl
COPY app.py /app/
CMD python /app/app.py
DF

# json: hadolint-compatible array
expect_exit 1 "$HOIST" check --no-shellcheck --format json "$tmp/ctx"
printf '%s' "$out" >"$tmp/out.json"
python3 - "$tmp/out.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
assert isinstance(data, list) and data, data
for f in data:
    for k in ("code", "level", "file", "line", "column", "message"):
        assert k in f, (k, f)
    assert f["level"] in ("error", "warning", "info", "style"), f
codes = {f["code"] for f in data}
for want in ("DL3006", "DL3008", "DL3009", "DL3025", "HS001", "JSONArgsRecommended"):
    assert want in codes, (want, codes)
hs = [f for f in data if f["code"] == "HS001"][0]
assert hs["line"] == 3 and hs["column"] == 6 and hs["level"] == "error", hs
assert hs["source"] == "hoist" and hs["hint"], hs
PY

# sarif 2.1.0
expect_exit 1 "$HOIST" check --no-shellcheck --format sarif "$tmp/ctx"
printf '%s' "$out" >"$tmp/out.sarif"
python3 - "$tmp/out.sarif" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["version"] == "2.1.0", doc["version"]
run = doc["runs"][0]
rules = run["tool"]["driver"]["rules"]
ids = [r["id"] for r in rules]
assert run["tool"]["driver"]["name"] == "hoist"
for res in run["results"]:
    assert res["level"] in ("error", "warning", "note")
    assert ids[res["ruleIndex"]] == res["ruleId"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("Dockerfile")
    assert loc["region"]["startLine"] >= 1
    assert res["message"]["text"]
assert any(r["ruleId"] == "HS001" and r["level"] == "error" for r in run["results"])
for r in rules:
    assert r["shortDescription"]["text"] and r["fullDescription"]["text"]
PY

# checkstyle
expect_exit 1 "$HOIST" check --no-shellcheck --format checkstyle "$tmp/ctx"
printf '%s' "$out" >"$tmp/out.xml"
python3 - "$tmp/out.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "checkstyle"
files = root.findall("file")
assert len(files) == 1 and files[0].get("name").endswith("Dockerfile")
errs = files[0].findall("error")
assert errs and all(e.get("severity") in ("error", "warning", "info") for e in errs)
assert any(e.get("source") == "DL3008" and e.get("line") == "2" for e in errs)
PY

# gnu
expect_exit 1 "$HOIST" check --no-shellcheck --format gnu "$tmp/ctx"
python3 - "$out" <<'PY'
import re, sys
lines = sys.argv[1].splitlines()
assert lines
for l in lines:
    assert re.match(r"^.+:\d+:\d+: (error|warning|info|style): .+ \[[A-Za-z0-9]+\]$", l), l
PY

# tty: source line with a caret, summary; NO_COLOR / non-terminal: no escapes
expect_exit 1 "$HOIST" check --no-shellcheck "$tmp/ctx"
assert_contains "$out" "COPY app.py /app/"
assert_contains "$out" "^~~~~~"
assert_contains "$out" "findings:"
assert_not_contains "$out" $'\033['

# thresholds and exit codes
echo 'print(1)' >"$tmp/ctx/app.py"
expect_exit 0 "$HOIST" check --no-shellcheck --format gnu "$tmp/ctx"
expect_exit 1 "$HOIST" check --no-shellcheck --failure-threshold warning "$tmp/ctx"
expect_exit 0 "$HOIST" check --no-shellcheck --failure-threshold none "$tmp/ctx"
expect_exit 2 "$HOIST" check --failure-threshold sometimes "$tmp/ctx"
expect_exit 2 "$HOIST" check --format yaml "$tmp/ctx"

# stdin; what BuildKit rejects is finding DL1000 and the rest is still
# linted, in every format; only an unreadable file is an input error
expect_exit 0 "$HOIST" check --no-shellcheck --format json - <<<'FROM alpine:3.19'
assert_eq "[]" "$out" "json of a clean file"
printf 'FROM alpine:3.19\nRUN true\nFROBNICATE x\nRUN --nope=1 true\nWORKDIR app\n' >"$tmp/bad.Dockerfile"
expect_exit 1 "$HOIST" check --no-shellcheck --format gnu "$tmp/bad.Dockerfile"
assert_contains "$out" "bad.Dockerfile:3:1: error: unknown instruction: FROBNICATE [DL1000]"
assert_contains "$out" "bad.Dockerfile:4:"
assert_contains "$out" "[DL3000]"
expect_exit 0 "$HOIST" check --no-shellcheck --failure-threshold none --format json "$tmp/bad.Dockerfile"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); c=[f["code"] for f in d]; assert c.count("DL1000")==2 and "DL3000" in c, c' "$out"
expect_exit 1 "$HOIST" check --no-shellcheck --format sarif "$tmp/bad.Dockerfile"
assert_contains "$out" "DL1000"
expect_exit 1 "$HOIST" check --no-shellcheck --format checkstyle "$tmp/bad.Dockerfile"
assert_contains "$out" "DL1000"
expect_exit 1 "$HOIST" check --no-shellcheck "$tmp/bad.Dockerfile"
assert_contains "$out" "FROBNICATE"
# a fragment without FROM (hadolint's test snippets): linted, not refused
expect_exit 0 "$HOIST" check --no-shellcheck --failure-threshold none --format json - <<<'RUN pip install foo'
python3 -c 'import json,sys; c=[f["code"] for f in json.loads(sys.argv[1])]; assert "DL3013" in c and "DL3042" in c and "DL3061" in c, c' "$out"
expect_exit 1 "$HOIST" check --no-shellcheck --format json - <<<'RUN pip install foo'
expect_exit 4 "$HOIST" check "$tmp/missing.Dockerfile"
assert_contains "$err" "missing.Dockerfile"

# --explain and --list-rules
expect_exit 0 "$HOIST" check --explain dl3008
assert_contains "$out" "DL3008"
assert_contains "$out" "Fix:"
expect_exit 2 "$HOIST" check --explain DL9999
expect_exit 0 "$HOIST" check --list-rules
n=$(printf '%s\n' "$out" | wc -l)
[ "$n" -ge 95 ] || fail "only $n rules listed"
expect_exit 0 "$HOIST" check --list-rules --format json
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d) >= 95 and all(r["explanation"] for r in d)' "$out"
echo ok
