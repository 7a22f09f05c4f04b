#!/usr/bin/env python3
"""bench/lint/gen_corpus.py - write N varied, realistic Dockerfiles (fixed seed).

    gen_corpus.py DIR [N]

Each file is 15-60 lines built from blocks real projects use: base images
with and without tags, apt/apk/yum/pip/npm installs (pinned or not), ENV and
ARG, COPY/ADD, WORKDIR, USER, EXPOSE, HEALTHCHECK, multi-stage builds and
CMD/ENTRYPOINT in both forms; every file parses for hoist and both peers.
"""
import os
import random
import sys

BASES = ["debian", "debian:12-slim", "ubuntu:22.04", "ubuntu", "alpine:3.19", "alpine",
         "python:3.12-slim", "node:20-alpine", "golang:1.22", "nginx:latest",
         "registry.example.com/team/base:1.4", "centos:7", "fedora:40"]
APT = ["curl", "git", "ca-certificates", "build-essential", "libpq-dev", "wget", "jq", "unzip"]
APK = ["curl", "git", "bash", "tzdata", "openssl", "make", "gcc", "musl-dev"]
PIP = ["flask", "django==5.0.4", "requests", "gunicorn==22.0.0", "numpy", "pandas==2.2.2"]
NPM = ["express", "typescript@5.4.5", "pm2", "lodash@4.17.21"]


def apt(r):
    pk = r.sample(APT, r.randint(1, 5))
    if r.random() < 0.5:
        pk = [p + "=1.0-1" for p in pk]
    flags = " ".join(f for f in ["-y", "--no-install-recommends"] if r.random() < 0.7)
    clean = " \\\n    && rm -rf /var/lib/apt/lists/*" if r.random() < 0.6 else ""
    return ["RUN apt-get update \\\n    && apt-get install %s %s%s" % (flags, " ".join(pk), clean)]


def apk(r):
    pk = r.sample(APK, r.randint(1, 5))
    nc = "--no-cache " if r.random() < 0.6 else ""
    return ["RUN apk add %s%s" % (nc, " ".join(pk))]


def yum(r):
    return ["RUN yum install -y httpd-2.4.6 mod_ssl%s" % (" && yum clean all" if r.random() < 0.5 else "")]


def pip(r):
    pk = r.sample(PIP, r.randint(1, 3))
    nc = "--no-cache-dir " if r.random() < 0.5 else ""
    return ["COPY requirements.txt .", "RUN pip install %s-r requirements.txt %s" % (nc, " ".join(pk))]


def npm(r):
    out = ["COPY package.json package-lock.json ./", "RUN npm ci"]
    if r.random() < 0.5:
        out.append("RUN npm install -g %s" % " ".join(r.sample(NPM, 2)))
    return out


def misc(r):
    out = []
    if r.random() < 0.5:
        out.append("ENV APP_ENV=production PORT=%d" % r.choice([80, 3000, 8080]))
    if r.random() < 0.3:
        out.append("ENV LEGACY value")
    if r.random() < 0.4:
        out.append("ARG VERSION=1.%d.0" % r.randint(0, 9))
    if r.random() < 0.4:
        out.append('LABEL org.opencontainers.image.version="1.0.0" maintainer="dev@example.com"')
    if r.random() < 0.3:
        out.append("RUN cd /tmp && curl -fsSL https://example.com/x.sh | sh")
    if r.random() < 0.3:
        out.append("RUN wget https://example.com/tool.tar.gz && tar -xzf tool.tar.gz")
    if r.random() < 0.2:
        out.append("ADD config.json /etc/app/")
    if r.random() < 0.2:
        out.append("RUN sudo chmod 755 /usr/local/bin")
    return out


def stage(r, final):
    base = r.choice(BASES)
    name = "" if final else " AS build%d" % r.randint(0, 99)
    lines = ["FROM %s%s" % (base, name)]
    if r.random() < 0.15:
        lines.append("MAINTAINER dev@example.com")
    lines.append(r.choice(["WORKDIR /app", "WORKDIR /srv/app", "WORKDIR app"]))
    blocks = [apt, apk, yum, pip, npm, misc, misc]
    for b in r.sample(blocks, r.randint(2, 5)):
        lines.extend(b(r))
    lines.append(r.choice(["COPY . .", "COPY src/ /app/src/", "COPY . /app"]))
    return lines


def dockerfile(r):
    lines = []
    if r.random() < 0.3:
        lines.append("# syntax=docker/dockerfile:1")
    if r.random() < 0.4:
        lines += stage(r, False)
        lines.append("")
    lines += stage(r, True)
    if r.random() < 0.4:
        lines.append("COPY --from=build%d /out /app/bin" % r.randint(0, 99))
    if r.random() < 0.5:
        lines.append("EXPOSE %s" % r.choice(["80", "8080/tcp", "3000", "53/udp"]))
    if r.random() < 0.3:
        lines.append('HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1')
    if r.random() < 0.6:
        lines.append(r.choice(["USER app", "USER 10001", "USER root"]))
    lines.append(r.choice(['CMD ["python", "app.py"]', "CMD node server.js",
                           'ENTRYPOINT ["/app/bin/server"]', "CMD ./start.sh --port 8080"]))
    return "\n".join(lines) + "\n"


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.makedirs(out, exist_ok=True)
    r = random.Random(20240501)
    for i in range(n):
        with open(os.path.join(out, "%04d.Dockerfile" % i), "w") as f:
            f.write(dockerfile(r))


if __name__ == "__main__":
    main()
