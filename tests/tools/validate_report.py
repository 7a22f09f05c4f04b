#!/usr/bin/env python3
"""validate_report.py - check a hoist check report against its format's shape.

  validate_report.py sarif FILE        SARIF 2.1.0 (what GitHub code scanning needs)
  validate_report.py codequality FILE  GitLab code quality (Code Climate issues)

Python standard library only, no network: the required fields of each
format are written out here from the formats' specifications (SARIF 2.1.0
OASIS standard, sections 3.13-3.28; GitLab's "Code Quality report format").
Prints one line per finding checked and exits 1 with the reason on the
first violation.
"""
import json
import re
import sys


def fail(msg):
    print("validate_report: " + msg, file=sys.stderr)
    sys.exit(1)


def need(obj, key, kind, where):
    if not isinstance(obj, dict) or key not in obj:
        fail("%s: missing required '%s'" % (where, key))
    if not isinstance(obj[key], kind):
        fail("%s.%s: expected %s, got %r" % (where, key, kind.__name__ if isinstance(kind, type) else kind, obj[key]))
    return obj[key]


def sarif(doc):
    if need(doc, "version", str, "sarifLog") != "2.1.0":
        fail("sarifLog.version must be 2.1.0")
    schema = doc.get("$schema")
    if schema is not None and "sarif" not in schema:
        fail("$schema does not name SARIF: %r" % schema)
    runs = need(doc, "runs", list, "sarifLog")
    if not runs:
        fail("sarifLog.runs is empty")
    n = 0
    for ri, run in enumerate(runs):
        w = "runs[%d]" % ri
        driver = need(need(run, "tool", dict, w), "driver", dict, w + ".tool")
        need(driver, "name", str, w + ".tool.driver")
        rules = driver.get("rules", [])
        ids = []
        for k, rule in enumerate(rules):
            ids.append(need(rule, "id", str, "%s.tool.driver.rules[%d]" % (w, k)))
        for k, res in enumerate(need(run, "results", list, w)):
            rw = "%s.results[%d]" % (w, k)
            msg = need(res, "message", dict, rw)
            if not isinstance(msg.get("text"), str) or not msg["text"]:
                fail(rw + ".message.text is required")
            if res.get("level", "warning") not in ("none", "note", "warning", "error"):
                fail(rw + ".level: %r" % res["level"])
            if "ruleIndex" in res:
                if not (0 <= res["ruleIndex"] < len(ids)) or ids[res["ruleIndex"]] != res.get("ruleId"):
                    fail(rw + ".ruleIndex does not point at ruleId")
            locs = need(res, "locations", list, rw)
            for li, loc in enumerate(locs):
                pl = need(loc, "physicalLocation", dict, "%s.locations[%d]" % (rw, li))
                art = need(pl, "artifactLocation", dict, rw + ".physicalLocation")
                need(art, "uri", str, rw + ".artifactLocation")
                region = pl.get("region")
                if region is not None:
                    sl = need(region, "startLine", int, rw + ".region")
                    if sl < 1:
                        fail(rw + ".region.startLine < 1 (code scanning rejects it)")
                    if region.get("endLine", sl) < sl:
                        fail(rw + ".region.endLine < startLine")
            n += 1
            print("ok sarif %s %s" % (res.get("ruleId"), locs[0]["physicalLocation"]["artifactLocation"]["uri"] if locs else "-"))
    return n


def codequality(doc):
    if not isinstance(doc, list):
        fail("a code quality report is a JSON array of issues")
    seen = set()
    for k, issue in enumerate(doc):
        w = "[%d]" % k
        for key in ("description", "check_name", "fingerprint", "severity"):
            if not need(issue, key, str, w):
                fail("%s.%s is empty" % (w, key))
        if issue["severity"] not in ("info", "minor", "major", "critical", "blocker"):
            fail(w + ".severity: %r" % issue["severity"])
        if issue["fingerprint"] in seen:
            fail(w + ".fingerprint is not unique: GitLab would merge two findings")
        seen.add(issue["fingerprint"])
        loc = need(issue, "location", dict, w)
        path = need(loc, "path", str, w + ".location")
        if not path or path.startswith(("/", "./")) or re.match(r"^[a-z]+://", path):
            fail(w + ".location.path must be relative to the repository: %r" % path)
        begin = need(need(loc, "lines", dict, w + ".location"), "begin", int, w + ".location.lines")
        if begin < 1:
            fail(w + ".location.lines.begin < 1")
        print("ok codequality %s %s:%d" % (issue["check_name"], path, begin))
    return len(doc)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("sarif", "codequality"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        with open(sys.argv[2]) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (sys.argv[2], e))
    n = (sarif if sys.argv[1] == "sarif" else codequality)(doc)
    print("validate_report: %s: %d finding(s), valid %s" % (sys.argv[2], n, sys.argv[1]))


main()
