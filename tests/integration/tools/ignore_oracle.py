#!/usr/bin/env python3
"""ignore_oracle.py - differential test of hoist's context against the
docker CLI's classic-builder upload.

    ignore_oracle.py HOIST DOCKER SOCKET ENGINE_OUT WORKDIR SEED COUNT

For COUNT cases drawn from SEED: make a random tree and a random
.dockerignore (negations, '**', escapes, classes, and the Go regexp
operators that Docker passes through: '|', '{n}', \\pN, \\Q), then compare
what `hoist context DIR --tar` writes with what `DOCKER_BUILDKIT=0 DOCKER
build DIR` uploads to the fake engine listening on SOCKET (which saves it
as ENGINE_OUT/context.tar). Docker refusing the file must be hoist exiting
4; otherwise both tars must hold the same entries in the same order.
Prints each difference (case number, ignore file, tree, diff) and exits 1
when there is one. A case can be replayed alone: SEED and COUNT=1 with
ORACLE_CASE=N.
"""
import os
import random
import shutil
import subprocess
import sys
import tarfile

NAMES = ["a", "b", "c", "x", "y", "p", "q", "pz", "xq", "aa", "a{2}", "p|q", "a$", "1", "z",
         "a.log", "b.log", "x.txt", ".git", "-", ",", "A", "\u00e9", "\u0663", "ab", "ba"]
PIECES = ["a", "b", "x", "p", "q", "z", ".log", "*", "*", "?", "**", "[a-c]", "[^a]",
          "[[:alpha:]]", "[--z]", "\\*", "\\.", "\\pN", "\\Qa", "\\d", "|", "{2}", "{1,2}",
          "+", "(", ")", "^", "$", "{", "}", ",", "-", ".", "\\a", "\\x"]
# pieces that make Go refuse the pattern (filepath.Match or regexp.Compile)
BAD = ["[z-a]", "\\c", "\\C", "\\", "[", "\\p", "{2}{2}", "\\z\\q"]


def gen_tree(rng, root):
    """A few directories and files, at most 3 levels deep."""
    dirs = [b""]
    for _ in range(rng.randint(3, 14)):
        parent = rng.choice(dirs)
        name = rng.choice(NAMES).encode()
        if rng.random() < 0.03:
            name = b"bad\xff"
        path = parent + b"/" + name if parent else name
        full = os.path.join(os.fsencode(root), path)
        if os.path.lexists(full):
            continue
        if rng.random() < 0.4 and path.count(b"/") < 2:
            os.mkdir(full)
            dirs.append(path)
        else:
            with open(full, "wb") as f:
                f.write(b"x")


def gen_pattern(rng):
    segs = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        if rng.random() < 0.35:
            segs.append(rng.choice(NAMES))
        else:
            segs.append("".join(rng.choice(BAD if rng.random() < 0.04 else PIECES)
                                for _ in range(rng.randint(1, 3))))
    p = "/".join(segs)
    if rng.random() < 0.1:
        p = "/" + p
    if rng.random() < 0.3:
        p = "!" + p
    return p


def gen_ignore(rng):
    lines = [gen_pattern(rng) for _ in range(rng.randint(1, 5))]
    if rng.random() < 0.1:
        lines.insert(rng.randint(0, len(lines)), "# comment")
    return "\n".join(lines) + "\n"


def entries(tar_path):
    out = []
    with tarfile.open(tar_path, encoding="utf-8", errors="surrogateescape") as t:
        for m in t.getmembers():
            k = "d" if m.isdir() else "l" if m.issym() else "f" if m.isfile() else "?"
            out.append("%s %r" % (k, m.name.encode("utf-8", "surrogateescape").rstrip(b"/")))
    return out


def listing(root):
    out = []
    for d, subdirs, files in os.walk(root.encode()):
        subdirs.sort()
        for n in sorted(subdirs) + sorted(files):
            out.append(os.path.relpath(os.path.join(d, n), root.encode()))
    return out


def main():
    hoist, docker, sock, engine_out, work, seed, count = sys.argv[1:8]
    seed, count = int(seed), int(count)
    only = os.environ.get("ORACLE_CASE")
    env = dict(os.environ, DOCKER_HOST="unix://" + sock, DOCKER_BUILDKIT="0")
    failures = 0
    stats = {"same": 0, "refused": 0}
    for case in range(count):
        n = int(only) if only else case
        rng = random.Random(seed * 1000003 + n)
        ctx = os.path.join(work, "ctx")
        shutil.rmtree(ctx, ignore_errors=True)
        os.makedirs(ctx)
        gen_tree(rng, ctx)
        ignore = gen_ignore(rng)
        with open(os.path.join(ctx, "Dockerfile"), "w") as f:
            f.write("FROM scratch\n")
        with open(os.path.join(ctx, ".dockerignore"), "w") as f:
            f.write(ignore)
        hoist_tar = os.path.join(work, "hoist.tar")
        h = subprocess.run([hoist, "context", ctx, "--tar", hoist_tar], capture_output=True)
        docker_tar = os.path.join(engine_out, "context.tar")
        if os.path.exists(docker_tar):
            os.unlink(docker_tar)
        d = subprocess.run([docker, "build", ctx], capture_output=True, env=env, timeout=120)
        derr = d.stderr.decode(errors="replace") + d.stdout.decode(errors="replace")
        problem = None
        if not os.path.exists(docker_tar):
            if "syntax error in pattern" not in derr and "illegal exclusion" not in derr:
                problem = "docker sent nothing, for an unexpected reason: " + derr.strip()[:300]
            elif h.returncode != 4:
                problem = "docker refuses the ignore file, hoist exits %d" % h.returncode
            else:
                stats["refused"] += 1
        elif h.returncode != 0:
            problem = "docker sends the context, hoist exits %d: %s" % (
                h.returncode, h.stderr.decode(errors="replace").strip()[:300])
        else:
            a, b = entries(docker_tar), entries(hoist_tar)
            if a != b:
                sa, sb = set(a), set(b)
                problem = "different entries: docker only %s, hoist only %s%s" % (
                    sorted(sa - sb), sorted(sb - sa), "" if sa != sb else " (order differs)")
            else:
                stats["same"] += 1
        if problem:
            failures += 1
            print("case %d (seed %d): %s\n  .dockerignore: %r\n  tree: %r" % (
                n, seed, problem, ignore, listing(ctx)))
        if only:
            break
    print("%d cases: %d same tar, %d refused by both, %d differ" % (
        count if not only else 1, stats["same"], stats["refused"], failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
