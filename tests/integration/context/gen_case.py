#!/usr/bin/env python3
"""gen_case.py - build one random context for the differential test.

    gen_case.py SEED CASE DIR

Creates DIR/ctx: a random tree (nested directories, dotfiles, names with
spaces and non-ASCII, symlinks inside, dangling and escaping, hard links,
empty directories), a .dockerignore drawn from every pattern feature Docker
supports, and a Dockerfile that copies the context. The same SEED and CASE
always give the same tree, so a failing case can be rerun by number.
"""
import os
import random
import sys

NAMES = ["a", "b", "c", "src", "lib", "node_modules", ".git", ".env", "README.md",
         "main.go", "x.txt", "y.log", "sp ace", "caf\u00e9", "\u65e5\u672c", "a.b.c",
         "-dash", "_u", "keep", "Keep", "tmp", "build", "dist", "z.md", "ab", "abc",
         "data.json", "[x]", "q?", "star*", "#hash", "!bang", " lead"]
DIR_NAMES = ["a", "b", "src", "lib", "node_modules", ".git", "docs", "sp ace",
             "caf\u00e9", "keep", "build", "dist", "deep", "x", "vendor"]


def pick_path(rng, dirs):
    return rng.choice(dirs)


def gen_tree(rng, root):
    dirs = [""]
    for _ in range(rng.randint(1, 8)):
        parent = rng.choice(dirs)
        if parent.count("/") >= 3:
            continue
        d = os.path.join(parent, rng.choice(DIR_NAMES)) if parent else rng.choice(DIR_NAMES)
        if d in dirs:
            continue
        os.makedirs(os.path.join(root, d), exist_ok=True)
        dirs.append(d)
    files = []
    for _ in range(rng.randint(3, 25)):
        parent = rng.choice(dirs)
        name = rng.choice(NAMES)
        rel = os.path.join(parent, name) if parent else name
        full = os.path.join(root, rel)
        if os.path.lexists(full) or rel in ("Dockerfile", ".dockerignore"):
            continue
        with open(full, "w") as f:
            f.write("x" * rng.randint(0, 40))
        files.append(rel)
    for _ in range(rng.randint(0, 3)):
        parent = rng.choice(dirs)
        rel = os.path.join(parent, "ln%d" % rng.randint(0, 99)) if parent else "ln%d" % rng.randint(0, 99)
        full = os.path.join(root, rel)
        if os.path.lexists(full):
            continue
        kind = rng.randint(0, 3)
        if kind == 0 and files:
            target = os.path.relpath(os.path.join(root, rng.choice(files)), os.path.dirname(full))
        elif kind == 1:
            target = "does-not-exist"
        elif kind == 2:
            target = "../../../../etc/passwd"
        else:
            target = os.path.relpath(os.path.join(root, rng.choice(dirs)), os.path.dirname(full))
        os.symlink(target, full)
    if files and rng.random() < 0.3:
        src = rng.choice(files)
        parent = rng.choice(dirs)
        rel = os.path.join(parent, "hard") if parent else "hard"
        if not os.path.lexists(os.path.join(root, rel)):
            os.link(os.path.join(root, src), os.path.join(root, rel))
    return dirs, files


def random_pattern(rng, dirs, files):
    existing = [p for p in dirs[1:] + files]
    base = rng.choice(existing) if existing and rng.random() < 0.7 else rng.choice(NAMES + DIR_NAMES)
    parts = base.split("/")
    r = rng.random()
    if r < 0.12:
        parts[-1] = "*" + os.path.splitext(parts[-1])[1] if "." in parts[-1] else parts[-1][:1] + "*"
    elif r < 0.20:
        parts[-1] = "?" + parts[-1][1:] if parts[-1] else "?"
    elif r < 0.28:
        p = parts[-1]
        if p and p[0].isalpha() and p[0].isascii():
            parts[-1] = "[%s-%s]" % (p[0], chr(min(ord(p[0]) + 2, ord("z")))) + p[1:]
    elif r < 0.33:
        p = parts[-1]
        if p:
            parts[-1] = "[^%s]" % ("q" if p[0] != "q" else "r") + p[1:]
    elif r < 0.43:
        parts = ["**"] + parts[-1:]
    elif r < 0.50 and len(parts) > 1:
        parts = parts[:1] + ["**"] + parts[-1:]
    elif r < 0.56:
        parts = parts[:1] + ["**"]
    elif r < 0.60:
        parts = ["*"] + parts[-1:]
    pat = "/".join(parts)
    for ch in "[]?*":
        if ch in base and rng.random() < 0.5 and ch in pat and "[" not in pat.replace(base, ""):
            pat = pat.replace(ch, "\\" + ch)
    if pat.startswith("#"):
        pat = "\\" + pat
    r = rng.random()
    if r < 0.1:
        pat = "/" + pat
    elif r < 0.15:
        pat = pat + "/"
    elif r < 0.2:
        pat = "./" + pat
    elif r < 0.25:
        pat = "  " + pat + "  "
    return pat


def gen_ignore(rng, dirs, files):
    lines = []
    for _ in range(rng.randint(0, 7)):
        r = rng.random()
        if r < 0.07:
            lines.append("# comment")
            continue
        if r < 0.1:
            lines.append("")
            continue
        pat = random_pattern(rng, dirs, files)
        if rng.random() < 0.3:
            pat = "!" + pat.strip()
        lines.append(pat)
    return "\n".join(lines) + ("\n" if rng.random() < 0.8 else "")


def main():
    seed, case, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed * 100003 + case)
    root = os.path.join(out, "ctx")
    os.makedirs(root)
    dirs, files = gen_tree(rng, root)
    with open(os.path.join(root, ".dockerignore"), "w") as f:
        f.write(gen_ignore(rng, dirs, files))
    with open(os.path.join(root, "Dockerfile"), "w") as f:
        f.write("FROM hoist-test/busybox:1\nCOPY . /ctx\n")


if __name__ == "__main__":
    main()
