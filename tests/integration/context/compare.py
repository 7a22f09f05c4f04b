#!/usr/bin/env python3
"""compare.py - compare `hoist context --list` with what the daemon got.

    compare.py HOIST_LIST DOCKER_TAR_LIST

HOIST_LIST is hoist's tar order listing; DOCKER_TAR_LIST is `tar -t` of
`docker cp <container>:/ctx -`. Extraction creates the parents of every
entry, so hoist's side is completed with all ancestor directories. The
Dockerfile and .dockerignore are left out on both sides: the classic
builder deletes them from the context after reading them when the ignore
file excludes them. Prints the differences and exits 1 when there are any.
"""
import sys


def read(path):
    with open(path, "rb") as f:
        return [l for l in f.read().decode("utf-8", "surrogateescape").split("\n") if l]


def main():
    expected = set()
    for name in read(sys.argv[1]):
        is_dir = name.endswith("/")
        parts = name.rstrip("/").split("/")
        for i in range(1, len(parts)):
            expected.add("/".join(parts[:i]) + "/")
        expected.add(name if not is_dir else name.rstrip("/") + "/")
    got = set()
    for name in read(sys.argv[2]):
        if name in ("ctx/", "ctx"):
            continue
        assert name.startswith("ctx/"), name
        got.add(name[4:])
    for s in (expected, got):
        s.discard("Dockerfile")
        s.discard(".dockerignore")
    missing = sorted(got - expected)
    extra = sorted(expected - got)
    for m in missing:
        print("  daemon has, hoist lacks: %r" % m)
    for e in extra:
        print("  hoist has, daemon lacks: %r" % e)
    sys.exit(1 if missing or extra else 0)


if __name__ == "__main__":
    main()
