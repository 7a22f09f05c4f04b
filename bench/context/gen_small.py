#!/usr/bin/env python3
"""gen_small.py - the second benchmark context: many small kept files.

    gen_small.py DIR

10,000 kept files of 200 to 4,000 bytes under 200 directories (two levels),
plus 1,000 .log and 500 .tmp files that .dockerignore excludes with
`**/*.log`-style patterns (each one is a regexp run on every path).
Deterministic (fixed seed).
"""
import os
import random
import sys

root = sys.argv[1]
rng = random.Random(7)
os.makedirs(root)
for i in range(10000):
    d = os.path.join(root, "pkg%02d" % (i % 20), "mod%d" % (i % 200 // 20))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "file%05d.c" % i), "wb") as f:
        f.write(b"x" * rng.randint(200, 4000))
for i in range(1500):
    d = os.path.join(root, "pkg%02d" % (i % 20), "mod%d" % (i % 200 // 20))
    with open(os.path.join(d, "out%04d.%s" % (i, "log" if i < 1000 else "tmp")), "wb") as f:
        f.write(b"log\n" * 50)
with open(os.path.join(root, ".dockerignore"), "w") as f:
    f.write("**/*.log\n**/*.tmp\n**/.cache\n*.swp\n")
with open(os.path.join(root, "Dockerfile"), "w") as f:
    f.write("FROM hoist-test/busybox:1\n")
