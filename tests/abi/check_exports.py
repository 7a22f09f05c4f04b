#!/usr/bin/env python3
"""check_exports.py - libhoist.so exports exactly the public API.

The public API is every function prototype in include/hoist/*.h. libhoist
is built with hidden visibility, so a function is exported only when its
prototype carries HOIST_EXTERN (include/hoist/export.h). This check fails
when:
  - libhoist.so exports a symbol that no public header declares (an
    internal leaked, e.g. a non-static helper defined in a file compiled
    with different flags);
  - a public header declares a function that libhoist.so does not export
    (a missing definition, or a prototype without HOIST_EXTERN);
  - a public prototype lacks HOIST_EXTERN.

Usage:
  check_exports.py --headers include/hoist --lib build/libhoist.so
  check_exports.py --headers include/hoist --fix
      add HOIST_EXTERN to every public prototype that lacks it (after a
      merge brought in new prototypes); changes nothing else.
$NM names the nm program (default: nm).
"""

import argparse
import os
import re
import subprocess
import sys

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Defined by the linker in every shared object on some toolchains.
LINKER_SYMBOLS = {"_init", "_fini", "_edata", "_end", "__bss_start"}


def blank_non_code(text):
    """Comments, string-less preprocessor lines and `extern "C" {` become
    spaces; newlines and offsets are kept so positions map to the file."""
    out = list(text)
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
            continue
        if at_line_start and c == "#":
            # a directive, with its backslash-continued lines
            j = i
            while j < n:
                e = text.find("\n", j)
                e = n if e < 0 else e
                cont = e > 0 and text[e - 1] == "\\"
                j = e + 1 if cont else e
                if not cont:
                    break
            for k in range(i, min(j, n)):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        if c == "\n":
            at_line_start = True
        elif not c.isspace():
            at_line_start = False
        i += 1
    code = "".join(out)
    return re.sub(r'extern\s*"C"\s*\{', lambda m: " " * len(m.group(0)), code)


def declarations(path):
    """Top-level declarations of functions (and extern variables) in a
    header: dicts with name, line, offset (of the declaration's first
    character) and whether HOIST_EXTERN is on it."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    code = blank_non_code(text)
    decls = []
    depth = 0
    start = 0
    for i, c in enumerate(code):
        if c in "{(":
            depth += 1
        elif c in "})":
            depth = max(0, depth - 1)
            if depth == 0 and c == "}" and "typedef" not in code[start:i] \
                    and code[start:i].strip() == "":
                start = i + 1  # the stray '}' closing extern "C"
        elif c == ";" and depth == 0:
            stmt = code[start:i]
            off = start + (len(stmt) - len(stmt.lstrip()))
            start = i + 1
            s = stmt.strip()
            if not s or s.startswith("typedef") or "{" in s:
                continue
            words = s.split()
            marked = words[0] == "HOIST_EXTERN"
            paren = s.find("(")
            if paren >= 0:
                head = s[:paren].rstrip()
                m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)$", head)
                if not m:
                    continue
                name = m.group(1)
            elif words[0] == "extern" or marked:
                name = IDENT.findall(s.split("[")[0].split("=")[0])[-1]
            else:
                continue
            decls.append({"name": name, "file": path,
                          "line": text.count("\n", 0, off) + 1,
                          "offset": off, "extern": marked})
    return decls


def headers(dirpath):
    return sorted(os.path.join(dirpath, f) for f in os.listdir(dirpath) if f.endswith(".h"))


def exported(lib):
    nm = os.environ.get("NM", "nm")
    out = subprocess.run([nm, "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            syms.add(parts[2].split("@")[0])
    return syms - LINKER_SYMBOLS


def fix(dirpath):
    changed = 0
    for h in headers(dirpath):
        todo = [d for d in declarations(h) if not d["extern"]]
        if not todo:
            continue
        with open(h, encoding="utf-8") as f:
            text = f.read()
        for d in sorted(todo, key=lambda d: d["offset"], reverse=True):
            text = text[:d["offset"]] + "HOIST_EXTERN " + text[d["offset"]:]
        with open(h, "w", encoding="utf-8") as f:
            f.write(text)
        changed += len(todo)
        print(f"{h}: HOIST_EXTERN added to {len(todo)} prototype(s)")
    return 0


def check(dirpath, lib):
    decls = [d for h in headers(dirpath) for d in declarations(h)]
    problems = []
    if len(decls) < 50:
        problems.append(f"only {len(decls)} public prototypes found under {dirpath}: "
                        "the header parser is broken")
    declared = {d["name"]: d for d in decls}
    for d in decls:
        if not d["extern"]:
            problems.append(f"{d['file']}:{d['line']}: {d['name']} is public but lacks "
                            "HOIST_EXTERN (run tests/abi/check_exports.py --fix)")
    syms = exported(lib)
    for name in sorted(syms - set(declared)):
        problems.append(f"{lib}: exports {name}, which no header in {dirpath} declares "
                        "(make it static, or keep it internal: libhoist builds with hidden "
                        "visibility, so something bypassed it)")
    for name in sorted(set(declared) - syms):
        d = declared[name]
        problems.append(f"{d['file']}:{d['line']}: {name} is declared public but {lib} "
                        "does not export it (no definition, or no HOIST_EXTERN)")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(declared)} public functions declared, {len(syms)} symbols exported, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--headers", required=True, help="include/hoist")
    ap.add_argument("--lib", help="libhoist.so to check")
    ap.add_argument("--fix", action="store_true", help="add missing HOIST_EXTERN")
    a = ap.parse_args()
    if a.fix:
        return fix(a.headers)
    if not a.lib:
        ap.error("--lib is required unless --fix")
    return check(a.headers, a.lib)


if __name__ == "__main__":
    sys.exit(main())
