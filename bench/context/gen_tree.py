#!/usr/bin/env python3
"""gen_tree.py - the benchmark context: 50,000 files, mostly ignored.

    gen_tree.py DIR [KEPT_MB]

node_modules (~34,000 small files) and .git (~11,000) are ignored by
.dockerignore; ~5,000 files under src/ and assets/ are kept, KEPT_MB in
total (default 100). Deterministic (fixed seed).
"""
import os
import random
import sys

root = sys.argv[1]
kept_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 100
rng = random.Random(42)
os.makedirs(root)


def write(rel, size):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(rng.randbytes(size) if size > 4096 else b"x" * size)


for i in range(34000):
    write("node_modules/pkg%d/lib/file%d.js" % (i // 40, i % 40), rng.randint(100, 3000))
for i in range(11000):
    write(".git/objects/%02x/%038x" % (i % 256, i), rng.randint(50, 2000))
kept_files = 5000
per = kept_mb * 1024 * 1024 // kept_files
for i in range(kept_files):
    top = "src" if i % 2 else "assets"
    write("%s/d%d/f%d.bin" % (top, i // 100, i), per)
with open(os.path.join(root, ".dockerignore"), "w") as f:
    f.write("node_modules\n.git\n")
with open(os.path.join(root, "Dockerfile"), "w") as f:
    f.write("FROM hoist-test/busybox:1\n")
