#!/usr/bin/env python3
"""gen_files.py OUTDIR [COUNT] - write COUNT (default 1000) Dockerfiles for
the parser benchmark. Deterministic (fixed seed). Files are assembled from
realistic pieces: multi-stage builds, long RUN chains with continuations and
comment lines, ENV/LABEL/ARG blocks, exec-form CMD/ENTRYPOINT, COPY with
flags, HEALTHCHECK, the odd heredoc. Sizes range from a few hundred bytes
to ~20 KB, like Dockerfiles found in real repositories."""
import os
import random
import sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
rng = random.Random(20240601)
os.makedirs(out, exist_ok=True)

BASES = ["alpine:3.20", "debian:bookworm-slim", "ubuntu:24.04", "golang:1.22-alpine", "node:20-alpine",
         "python:3.12-slim", "rust:1.79", "eclipse-temurin:21-jre", "nginx:1.27", "gcr.io/distroless/static:nonroot"]
PKGS = ["curl", "git", "ca-certificates", "openssl", "make", "gcc", "libc6-dev", "pkg-config", "unzip",
        "jq", "tzdata", "bash", "less", "vim-tiny", "procps", "gnupg", "dirmngr", "xz-utils", "zlib1g-dev"]


def run_chain():
    pkgs = rng.sample(PKGS, rng.randint(3, 12))
    lines = ["RUN set -eux; \\", "    apt-get update; \\", "    apt-get install -y --no-install-recommends \\"]
    for p in pkgs:
        lines.append(f"        {p} \\")
        if rng.random() < 0.1:
            lines.append("        # pinned for reproducibility")
    lines.append("    ; \\")
    lines.append("    rm -rf /var/lib/apt/lists/*")
    return lines


def env_block():
    n = rng.randint(1, 6)
    parts = [f'APP_{i}="value {rng.randint(0, 9999)}"' for i in range(n)]
    if rng.random() < 0.5:
        return ["ENV " + " \\\n    ".join(parts)]
    return [f"ENV APP_LEGACY value with spaces {rng.randint(0, 99)}"]


def label_block():
    return ['LABEL org.opencontainers.image.title="bench" \\',
            f'      org.opencontainers.image.version="{rng.randint(1, 9)}.{rng.randint(0, 20)}" \\',
            '      org.opencontainers.image.licenses="MIT"']


def stage(i, name):
    base = rng.choice(BASES)
    lines = [f"# stage {i}: {name}", f"FROM --platform=$BUILDPLATFORM {base} AS {name}"]
    lines.append(f"WORKDIR /src/{name}")
    for _ in range(rng.randint(1, 8)):
        r = rng.random()
        if r < 0.3:
            lines += run_chain()
        elif r < 0.45:
            lines += env_block()
        elif r < 0.55:
            lines += label_block()
        elif r < 0.7:
            lines.append(f"COPY --chown=1000:1000 --chmod=0644 src/{rng.randint(0, 99)}/ /app/{name}/")
        elif r < 0.8:
            lines.append("RUN --mount=type=cache,target=/root/.cache \\")
            lines.append(f"    make -j$(nproc) target{rng.randint(0, 50)} && make install")
        elif r < 0.85:
            lines += ["RUN <<EOF", "set -e", f"echo building {name}", "./configure --prefix=/usr", "make", "EOF"]
        elif r < 0.9:
            lines.append(f'ARG VERSION_{i}="{rng.randint(1, 5)}.{rng.randint(0, 9)}"')
        else:
            lines.append(f'RUN ["/bin/sh", "-c", "echo {name} && test -d /app"]')
    return lines


for n in range(count):
    lines = []
    if rng.random() < 0.3:
        lines.append("# syntax=docker/dockerfile:1")
    lines.append(f"ARG BASE_TAG={rng.randint(1, 20)}")
    stages = rng.choices([1, 2, 3, 4, 6, 10], weights=[30, 30, 20, 10, 6, 4])[0]
    for i in range(stages):
        lines += stage(i, f"s{i}")
        lines.append("")
    lines.append(f"COPY --from=s0 /src/s0 /app")
    lines.append("EXPOSE 8080/tcp")
    lines.append('HEALTHCHECK --interval=30s --timeout=3s CMD ["wget", "-qO-", "http://localhost:8080/health"]')
    lines.append('ENTRYPOINT ["/app/server"]')
    lines.append('CMD ["--port", "8080"]')
    with open(os.path.join(out, f"{n:04d}.Dockerfile"), "w") as f:
        f.write("\n".join(lines) + "\n")
