/*
 * test_lint_rules.c - every rule has at least one Dockerfile (and context)
 * that triggers it and one near miss that must not; every rule in the
 * registry must appear in this table; the well-written Dockerfiles in
 * tests/data/lint/good produce no finding at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_harness.h"

#define T(rule, df) {rule, true, df, NULL, NULL, false, NULL, 0, false}
#define F(rule, df) {rule, false, df, NULL, NULL, false, NULL, 0, false}
#define TC(rule, df, cfg) {rule, true, df, cfg, NULL, false, NULL, 0, false}
#define FC(rule, df, cfg) {rule, false, df, cfg, NULL, false, NULL, 0, false}
#define TX(rule, df, ...) {rule, true, df, NULL, (const char *const[]){__VA_ARGS__, NULL}, false, NULL, 0, false}
#define FX(rule, df, ...) {rule, false, df, NULL, (const char *const[]){__VA_ARGS__, NULL}, false, NULL, 0, false}

static const hoist_lint_engine classic = {HOIST_LINT_ENGINE_VERSION, true, false, "1.41", NULL};
static const hoist_lint_engine modern = {HOIST_LINT_ENGINE_VERSION, true, true, "1.45", NULL};
static const hoist_lint_engine old_bk = {HOIST_LINT_ENGINE_VERSION, true, true, "1.41", NULL};

#define LABELS "label-schema:\n  maintainer: email\n  url: url\n  created: rfc3339\n" \
               "  license: spdx\n  rev: hash\n  version: semver\n  title: text\n"

#define TT(rule, df, cfg) {rule, true, df, cfg, NULL, false, NULL, 0, true}
#define FT(rule, df, cfg) {rule, false, df, cfg, NULL, false, NULL, 0, true}

static const lint_case cases[] = {
    /* What BuildKit rejects is DL1000; the rest is still linted. */
    TT("DL1000", "FROM alpine:3.19\nFROOM x\n", NULL),
    TT("DL1000", "FROM alpine:3.19\nRUN --nope=1 ls\n", NULL),
    TT("DL1000", "ARG X=1\n", NULL),
    TT("DL1000", "RUN ls\n", "ignored: [DL3061]\n"),
    TT("DL3061", "RUN ls\nFROOM x\n", NULL),
    FT("DL1000", "RUN ls\n", NULL), /* DL3061 says it */
    FT("DL1000", "FROM alpine:3.19\nRUN ls\n", NULL),
    TT("DL1001", "FROM alpine:3.19\n# hadolint ignore=DL3003\nRUN ls\n",
       "override:\n  info: [DL1001]\n"),
    FT("DL1001", "FROM alpine:3.19\n# hadolint shell=bash\nRUN ls\n",
       "override:\n  info: [DL1001]\n"),
    FT("DL1001", "FROM alpine:3.19\n# hadolint ignore=DL3003\nRUN ls\n", NULL),
    T("DL3000", "WORKDIR app\n"),
    F("DL3000", "WORKDIR /app\n"),
    T("DL3001", "RUN service nginx start\n"),
    F("DL3001", "RUN echo service\n"),
    T("DL3002", "FROM alpine:3.19\nUSER root\n"),
    T("DL3002", "FROM alpine:3.19 AS b\nUSER root\nFROM alpine:3.19\nUSER app\n"),
    F("DL3002", "FROM alpine:3.19\nUSER root\nRUN x\nUSER app\n"),
    T("DL3003", "RUN cd /tmp && make\n"),
    F("DL3003", "WORKDIR /tmp\nRUN make\n"),
    T("DL3004", "RUN sudo make install\n"),
    F("DL3004", "RUN make install\n"),
    TC("DL3005", "RUN apt-get upgrade -y\n", "override:\n  warning: [DL3005]\n"),
    F("DL3005", "RUN apt-get upgrade -y\n"),
    T("DL3006", "FROM debian\n"),
    F("DL3006", "FROM debian:12\nFROM scratch\n"),
    T("DL3007", "FROM debian:latest\n"),
    F("DL3007", "FROM debian:12\n"),
    T("DL3008", "RUN apt-get install -y curl\n"),
    F("DL3008", "RUN apt-get install -y curl=7.88 ./local.deb\n"),
    T("DL3009", "RUN apt-get update && apt-get install -y curl=1\n"),
    F("DL3009", "RUN apt-get update && apt-get install -y curl=1 && rm -rf /var/lib/apt/lists/*\n"),
    T("DL3010", "COPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n"),
    F("DL3010", "COPY app.tar.gz /tmp/\nRUN sha256sum /tmp/app.tar.gz\n"),
    T("DL3011", "EXPOSE 80000\n"),
    F("DL3011", "EXPOSE 8080 53/udp 8000-8010\n"),
    T("DL3012", "HEALTHCHECK CMD [\"a\"]\nHEALTHCHECK CMD [\"b\"]\n"),
    F("DL3012", "HEALTHCHECK CMD [\"a\"]\n"),
    T("DL3013", "RUN pip install flask\n"),
    F("DL3013", "RUN pip install flask==3.0.0 -r requirements.txt .\n"),
    T("DL3014", "RUN apt-get install curl=1\n"),
    F("DL3014", "RUN apt-get install -qy curl=1\n"),
    T("DL3015", "RUN apt-get install -y curl=1\n"),
    F("DL3015", "RUN apt-get install -y --no-install-recommends curl=1\n"),
    T("DL3016", "RUN npm install express\n"),
    F("DL3016", "RUN npm install express@4.19.2 @scope/pkg@1.0.0 && npm install\n"),
    TC("DL3017", "RUN apk upgrade\n", "override:\n  error: [DL3017]\n"),
    F("DL3017", "RUN apk upgrade\n"),
    T("DL3018", "RUN apk add --no-cache curl\n"),
    F("DL3018", "RUN apk add --no-cache --virtual .deps curl=8.5.0-r0\n"),
    T("DL3019", "RUN apk add curl=8.5\n"),
    F("DL3019", "RUN apk add --no-cache curl=8.5\n"),
    T("DL3020", "ADD app.py /app/\n"),
    F("DL3020", "ADD app.tar.gz /app/\nADD https://example.com/x.bin /x\n"),
    T("DL3021", "COPY a b /dst\n"),
    F("DL3021", "COPY a b /dst/\n"),
    T("DL3022", "COPY --from=build /x /x\n"),
    F("DL3022", "FROM alpine:3.19 AS build\nFROM alpine:3.19\nCOPY --from=build /x /x\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\n"),
    T("DL3023", "FROM alpine:3.19 AS app\nCOPY --from=app /x /y\n"),
    F("DL3023", "FROM alpine:3.19 AS b\nFROM alpine:3.19 AS app\nCOPY --from=b /x /y\n"),
    T("DL3024", "FROM alpine:3.19 AS x\nFROM alpine:3.19 AS x\n"),
    F("DL3024", "FROM alpine:3.19 AS x\nFROM alpine:3.19 AS y\n"),
    T("DL3025", "CMD node app.js\n"),
    F("DL3025", "CMD [\"node\", \"app.js\"]\n"),
    TC("DL3026", "FROM docker.io/library/debian:12\n", "trusted-registries: [ghcr.io]\n"),
    FC("DL3026", "FROM ghcr.io/org/app:1\n", "trusted-registries: [ghcr.io]\n"),
    T("DL3027", "RUN apt install -y curl\n"),
    F("DL3027", "RUN apt-cache policy curl\n"),
    T("DL3028", "RUN gem install rails\n"),
    F("DL3028", "RUN gem install rails:7.1.3 && gem install -v 2.0 bundler\n"),
    T("DL3029", "FROM --platform=linux/amd64 alpine:3.19\n"),
    F("DL3029", "FROM --platform=$BUILDPLATFORM alpine:3.19\n"),
    T("DL3030", "RUN yum install httpd-2.4.6 && yum clean all\n"),
    F("DL3030", "RUN yum install -y httpd-2.4.6 && yum clean all\n"),
    TC("DL3031", "RUN yum update -y\n", "override:\n  warning: [DL3031]\n"),
    F("DL3031", "RUN yum update -y\n"),
    T("DL3032", "RUN yum install -y httpd-2.4.6\n"),
    F("DL3032", "RUN yum install -y httpd-2.4.6 && yum clean all\n"),
    T("DL3033", "RUN yum install -y httpd && yum clean all\n"),
    F("DL3033", "RUN yum install -y httpd-2.4.6 && yum clean all\n"),
    T("DL3034", "RUN zypper install curl=8 && zypper clean\n"),
    F("DL3034", "RUN zypper install -y curl=8 && zypper clean\n"),
    T("DL3035", "RUN zypper dist-upgrade -y\n"),
    F("DL3035", "RUN zypper refresh\n"),
    T("DL3036", "RUN zypper install -y curl=8\n"),
    F("DL3036", "RUN zypper install -y curl=8 && zypper clean\n"),
    T("DL3037", "RUN zypper install -y curl && zypper clean\n"),
    F("DL3037", "RUN zypper install -y curl=8 && zypper clean\n"),
    T("DL3038", "RUN dnf install httpd-2.4 && dnf clean all\n"),
    F("DL3038", "RUN dnf install -y httpd-2.4 && dnf clean all\n"),
    TC("DL3039", "RUN dnf upgrade -y\n", "override:\n  warning: [DL3039]\n"),
    F("DL3039", "RUN dnf upgrade -y\n"),
    T("DL3040", "RUN dnf install -y httpd-2.4\n"),
    F("DL3040", "RUN microdnf install -y httpd-2.4 && microdnf clean all\n"),
    T("DL3041", "RUN dnf install -y httpd && dnf clean all\n"),
    F("DL3041", "RUN dnf install -y httpd-2.4 && dnf clean all\n"),
    T("DL3042", "RUN pip install flask==3\n"),
    F("DL3042", "RUN pip install --no-cache-dir flask==3\n"),
    {"DL3043", true, "FROM alpine:3.19\nONBUILD MAINTAINER me\n", NULL, NULL, true, NULL, 0, false},
    F("DL3043", "FROM alpine:3.19\nONBUILD RUN make\n"),
    T("DL3044", "ENV A=1 B=$A\n"),
    F("DL3044", "ENV A=1\nENV B=$A C=$A\n"),
    T("DL3045", "COPY x y\n"),
    F("DL3045", "WORKDIR /app\nCOPY x y\n"),
    T("DL3046", "RUN useradd -u 123456789 app\n"),
    F("DL3046", "RUN useradd -l -u 123456789 app\n"),
    T("DL3047", "RUN wget https://example.com/x\n"),
    F("DL3047", "RUN wget -q https://example.com/x\n"),
    T("DL3048", "LABEL Foo..Bar=1\n"),
    F("DL3048", "LABEL org.example.key=1\n"),
    TC("DL3049", "LABEL title=x\n", "label-schema:\n  maintainer: email\n"),
    FC("DL3049", "LABEL maintainer=a@b.co\n", "label-schema:\n  maintainer: email\n"),
    TC("DL3050", "LABEL version=1.0.0 other=x\n", "label-schema:\n  version: semver\nstrict-labels: true\n"),
    FC("DL3050", "LABEL version=1.0.0\n", "label-schema:\n  version: semver\nstrict-labels: true\n"),
    TC("DL3051", "LABEL title=\"\"\n", LABELS),
    FC("DL3051", "LABEL title=x\n", LABELS),
    TC("DL3052", "LABEL url=notaurl\n", LABELS),
    FC("DL3052", "LABEL url=https://example.com/x\n", LABELS),
    TC("DL3053", "LABEL created=yesterday\n", LABELS),
    FC("DL3053", "LABEL created=2024-05-01T12:00:00Z\n", LABELS),
    TC("DL3054", "LABEL license=Foo\n", LABELS),
    FC("DL3054", "LABEL license=\"MIT OR Apache-2.0\"\n", LABELS),
    TC("DL3055", "LABEL rev=xyz\n", LABELS),
    FC("DL3055", "LABEL rev=1a2b3c4d\n", LABELS),
    TC("DL3056", "LABEL version=1.0\n", LABELS),
    FC("DL3056", "LABEL version=1.0.0-rc.1\n", LABELS),
    TC("DL3057", "CMD [\"x\"]\n", "override:\n  info: [DL3057]\n"),
    FC("DL3057", "HEALTHCHECK CMD [\"x\"]\n", "override:\n  info: [DL3057]\n"),
    TC("DL3058", "LABEL maintainer=bob\n", LABELS),
    FC("DL3058", "LABEL maintainer=bob@example.com\n", LABELS),
    T("DL3059", "RUN a\nRUN b\n"),
    F("DL3059", "RUN a\nCOPY x /x\nRUN b\n"),
    T("DL3060", "RUN yarn install\n"),
    F("DL3060", "RUN yarn install && yarn cache clean\n"),
    {"DL3061", true, "RUN x\nFROM alpine:3.19\n", NULL, NULL, true, NULL, 0, false},
    F("DL3061", "ARG X=1\nFROM alpine:$X\n"),
    T("DL3062", "RUN go install example.com/tool@latest\n"),
    F("DL3062", "RUN go install example.com/tool@v1.2.3 && go install ./cmd/...\n"),
    T("DL3063", "FROM alpine:3.19 AS context\n"),
    F("DL3063", "FROM alpine:3.19 AS build\n"),
    T("DL3064", "ENV DB_PASSWORD=x\n"),
    F("DL3064", "ENV DB_HOST=x\n"),
    T("DL3065", "FROM --platform=$TARGETPLATFORM alpine:3.19\n"),
    F("DL3065", "FROM --platform=$BUILDPLATFORM alpine:3.19\n"),
    T("DL3066", "USER app\n"),
    F("DL3066", "USER 1000:1000\n"),
    T("DL3067", "FROM alpine:3.19 AS b\nFROM alpine:3.19\nCOPY --from=b / /\n"),
    F("DL3067", "FROM alpine:3.19 AS b\nFROM alpine:3.19\nCOPY --from=b /app /app\n"),
    T("DL4000", "MAINTAINER me\n"),
    F("DL4000", "LABEL org.opencontainers.image.authors=me\n"),
    T("DL4001", "RUN wget -q x && curl -fsS y\n"),
    F("DL4001", "FROM alpine:3.19\nRUN curl -fsS x\nFROM alpine:3.19\nRUN wget -q y\n"),
    T("DL4003", "CMD [\"a\"]\nCMD [\"b\"]\n"),
    F("DL4003", "FROM alpine:3.19\nCMD [\"a\"]\nFROM alpine:3.19\nCMD [\"b\"]\n"),
    T("DL4004", "ENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n"),
    F("DL4004", "ENTRYPOINT [\"a\"]\n"),
    T("DL4005", "RUN ln -sf /bin/bash /bin/sh\n"),
    F("DL4005", "RUN ln -s /a /b\n"),
    T("DL4006", "RUN curl -fsS x | sh\n"),
    F("DL4006", "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsS x | sh\n"),

    /* BuildKit checks */
    T("StageNameCasing", "FROM alpine:3.19 AS Build\n"),
    F("StageNameCasing", "FROM alpine:3.19 AS build\n"),
    T("FromAsCasing", "FROM alpine:3.19 as build\n"),
    F("FromAsCasing", "FROM alpine:3.19 AS build\nfrom alpine:3.19 as other\n"),
    T("JSONArgsRecommended", "CMD node x\n"),
    F("JSONArgsRecommended", "FROM alpine:3.19\nCMD [\"node\", \"x\"]\nFROM alpine:3.19\nSHELL [\"/bin/bash\", \"-c\"]\nCMD node x\n"),
    T("UndefinedVar", "FROM alpine:3.19\nCOPY $SRC /x\n"),
    F("UndefinedVar", "FROM alpine:3.19\nARG SRC=.\nENV PATH=/x:$PATH\nCOPY $SRC /x\n"),
    T("UndefinedVar", "FROM alpine:3.19 AS a\nARG X=1\nFROM a\nCOPY $X /x\n"),
    F("UndefinedVar", "FROM alpine:3.19 AS a\nENV X=1\nFROM a\nCOPY $X /x\n"),
    T("UndefinedArgInFrom", "FROM alpine:$TAG\n"),
    F("UndefinedArgInFrom", "ARG TAG=3.19\nFROM alpine:$TAG\nFROM --platform=$BUILDPLATFORM alpine:3.19\n"),
    T("SecretsUsedInArgOrEnv", "ARG GITHUB_TOKEN\n"),
    F("SecretsUsedInArgOrEnv", "ARG PUBLIC_KEY\nARG MONKEY=1\n"),
    T("LegacyKeyValueFormat", "ENV A 1\n"),
    F("LegacyKeyValueFormat", "ENV A=1\n"),
    T("WorkdirRelativePath", "WORKDIR app\n"),
    F("WorkdirRelativePath", "WORKDIR /srv\nWORKDIR app\n"),
    T("MultipleInstructionsDisallowed", "CMD [\"a\"]\nCMD [\"b\"]\n"),
    F("MultipleInstructionsDisallowed", "FROM alpine:3.19\nCMD [\"a\"]\nFROM alpine:3.19\nCMD [\"b\"]\n"),
    T("DuplicateStageName", "FROM alpine:3.19 AS a\nFROM alpine:3.19 AS A\n"),
    F("DuplicateStageName", "FROM alpine:3.19 AS a\nFROM alpine:3.19 AS b\n"),
    T("ReservedStageName", "FROM alpine:3.19 AS scratch\n"),
    F("ReservedStageName", "FROM alpine:3.19 AS scratches\n"),
    T("InvalidDefaultArgInFrom", "ARG IMG\nFROM $IMG\n"),
    F("InvalidDefaultArgInFrom", "ARG IMG=alpine:3.19\nFROM $IMG\n"),
    T("RedundantTargetPlatform", "FROM --platform=${TARGETPLATFORM} alpine:3.19\n"),
    F("RedundantTargetPlatform", "FROM --platform=$BUILDPLATFORM alpine:3.19\n"),
    TC("FromPlatformFlagConstDisallowed", "FROM --platform=linux/amd64 alpine:3.19\n",
       "override:\n  warning: [FromPlatformFlagConstDisallowed]\n"),
    FC("FromPlatformFlagConstDisallowed", "FROM --platform=linux/amd64 alpine:3.19 AS build-amd64\n",
       "override:\n  warning: [FromPlatformFlagConstDisallowed]\n"),
    T("MaintainerDeprecated", "MAINTAINER me\n"),
    F("MaintainerDeprecated", "LABEL org.opencontainers.image.authors=me\n"),
    T("ConsistentInstructionCasing", "FROM alpine:3.19\nrun echo\nCMD [\"x\"]\n"),
    F("ConsistentInstructionCasing", "from alpine:3.19\nrun echo\ncmd [\"x\"]\n"),
    T("NoEmptyContinuation", "FROM alpine:3.19\nRUN echo a \\\n\n  b\n"),
    F("NoEmptyContinuation", "FROM alpine:3.19\nRUN echo a \\\n# comment\n  b\n"),
    T("ExposeProtoCasing", "EXPOSE 53/UDP\n"),
    F("ExposeProtoCasing", "EXPOSE 53/udp\n"),
    T("ExposeInvalidFormat", "EXPOSE 127.0.0.1:80:80\n"),
    F("ExposeInvalidFormat", "EXPOSE 80\n"),
    {"CopyIgnoredFile", true, "FROM alpine:3.19\nCOPY secret.txt /x\n", "ignored: [HS002]\n",
     (const char *const[]){".dockerignore=secret.txt\n", "secret.txt=x", NULL}, false, NULL, 0, false},
    FX("CopyIgnoredFile", "FROM alpine:3.19\nCOPY secret.txt /x\n", ".dockerignore=secret.txt\n",
       "secret.txt=x"),

    /* hoist context rules */
    TX("HS001", "FROM alpine:3.19\nCOPY app.py /app/\n", "other.py"),
    FX("HS001", "FROM alpine:3.19\nCOPY app.py *.txt /app/\n", "app.py", "a.txt"),
    TX("HS002", "FROM alpine:3.19\nCOPY app.py /app/\n", ".dockerignore=*.py\n", "app.py"),
    FX("HS002", "FROM alpine:3.19\nCOPY app.py /app/\n", ".dockerignore=*.py\n!app.py\n", "app.py"),
    TX("HS003", "FROM alpine:3.19\nCOPY . /app\n", "node_modules/x.js", "index.js"),
    FX("HS003", "FROM alpine:3.19\nCOPY . /app\n", ".dockerignore=node_modules\n", "node_modules/x.js"),
    TX("HS004", "FROM alpine:3.19\nWORKDIR /s\nCOPY go.* ./\n", ".dockerignore=go.sum\n", "go.mod", "go.sum"),
    FX("HS004", "FROM alpine:3.19\nWORKDIR /s\nCOPY go.* ./\n", ".dockerignore=*.md\n", "go.mod", "go.sum"),
    T("HS005", "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM alpine:3.19\nCOPY --from=build /app /app\n"),
    F("HS005", "FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM alpine:3.19\nCOPY --from=build /app /app\n"),
    TX("HS006", "FROM alpine:3.19\n", ".env=SECRET=1\n"),
    FX("HS006", "FROM alpine:3.19\n", ".env=SECRET=1\n", ".env.example=X=\n", ".dockerignore=.env\n"),
    {"HS007", true, "FROM alpine:3.19\n", NULL,
     (const char *const[]){"big.bin=0123456789012345678901234567890123456789", NULL}, false, NULL, 16, false},
    FX("HS007", "FROM alpine:3.19\n", "big.bin=0123456789012345678901234567890123456789"),
    T("HS008", "WORKDIR /app\nCOPY . .\nRUN npm ci\n"),
    F("HS008", "WORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n"),
    /* HS011-HS013: more cases, and the messages, in test_lint_cache.c */
    TX("HS011", "WORKDIR /app\nCOPY . .\nRUN npm ci\n", "package.json={}", "package-lock.json={}"),
    FX("HS011", "WORKDIR /app\nCOPY . .\nRUN npm ci\n", "index.js"),
    T("HS012", "ARG GIT_SHA\nRUN make\n"),
    F("HS012", "RUN make\nARG GIT_SHA\nLABEL rev=$GIT_SHA\n"),
    TX("HS013", "COPY . /app\n", "app.log=x", "main.c"),
    FX("HS013", "COPY . /app\n", ".dockerignore=*.log\n", "app.log=x", "main.c"),
    T("HS010", "FROM node:18.20.4-bookworm-slim\nCMD [\"node\"]\n"),
    T("HS010", "ARG GO=1.21\nFROM golang:${GO} AS build\nFROM scratch\n"),
    T("HS010", "FROM docker.io/library/python:3.8-slim\n"),
    F("HS010", "FROM node:24.11.0-bookworm-slim\nFROM python:3.14.0-slim\nFROM golang:1.26.1\n"),
    F("HS010", "FROM node:lts\nFROM mynode:18\n"),
    {"HS009", true, "FROM alpine:3.19\nRUN --mount=type=cache,target=/root/.cache make\n", NULL, NULL,
     false, &classic, 0, false},
    {"HS009", true, "FROM alpine:3.19\nRUN <<EOF\nmake\nEOF\n", NULL, NULL, false, &old_bk, 0, false},
    F("HS009", "FROM alpine:3.19\nRUN --mount=type=cache,target=/root/.cache make\n"),
    {"HS009", false, "FROM alpine:3.19\nRUN <<EOF\nmake\nEOF\n", NULL, NULL, false, &modern, 0, false},
    {"HS009", false, "# syntax=docker/dockerfile:1\nFROM alpine:3.19\nRUN <<EOF\nmake\nEOF\n", NULL,
     NULL, false, &old_bk, 0, false},
    /* the same table as engine choice: device, unpack, start-interval too */
    {"HS009", true, "FROM alpine:3.19\nRUN --device=/dev/fuse true\n", NULL, NULL, false, &classic, 0, false},
    {"HS009", true, "FROM alpine:3.19\nADD --unpack=true a.tgz /x\n", NULL, NULL, false, &modern, 0, false},
    {"HS009", true, "FROM alpine:3.19\nHEALTHCHECK --start-interval=1s CMD true\n", NULL, NULL, false,
     &old_bk, 0, false},
    {"HS009", false, "FROM alpine:3.19\nHEALTHCHECK --start-interval=1s CMD true\n", NULL, NULL, false,
     &modern, 0, false},
};

static void each_case(void **state)
{
    int failures = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const lint_case *c = &cases[i];
        hoist_lint_result *r = lint_text(c);
        bool got = lint_has(r, c->rule);
        if (got != c->expect) {
            failures++;
            fprintf(stderr, "case %zu %s: expected %s, got %s for:\n%s", i, c->rule,
                    c->expect ? "a finding" : "no finding", got ? "one" : "none", c->dockerfile);
            for (size_t k = 0; k < hoist_lint_result_finding_count(r); k++) {
                const hoist_lint_finding *f = hoist_lint_result_finding_at(r, k);
                fprintf(stderr, "   %d: %s %s\n", f->range.start.line, f->code, f->message);
            }
        }
        hoist_lint_result_free(r);
    }
    assert_int_equal(failures, 0);
}

/* Every registered rule has a trigger and a near miss. */
static void every_rule_covered(void **state)
{
    int missing = 0;
    for (size_t i = 0; i < hoist_lint_rule_count(); i++) {
        const char *id = hoist_lint_rule_at(i)->id;
        bool t = false, f = false;
        for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
            if (strcmp(cases[k].rule, id))
                continue;
            t |= cases[k].expect;
            f |= !cases[k].expect;
        }
        if (!t || !f) {
            fprintf(stderr, "rule %s lacks a %s case\n", id, !t ? "trigger" : "near-miss");
            missing++;
        }
        assert_non_null(hoist_lint_rule_at(i)->explanation);
        assert_true(strlen(hoist_lint_rule_at(i)->explanation) > 20);
    }
    assert_int_equal(missing, 0);
}

static void good_files_are_clean(void **state)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/lint/good", HOIST_TEST_DATA);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int n = 0, bad = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        static char text[65536];
        size_t len = fread(text, 1, sizeof(text) - 1, f);
        text[len] = '\0';
        fclose(f);
        lint_case c = {"good", false, text, NULL, NULL, false, NULL, 0, false};
        hoist_lint_result *r = lint_text(&c);
        for (size_t k = 0; k < hoist_lint_result_finding_count(r); k++) {
            const hoist_lint_finding *fi = hoist_lint_result_finding_at(r, k);
            fprintf(stderr, "%s:%d: %s %s\n", e->d_name, fi->range.start.line, fi->code, fi->message);
            bad++;
        }
        hoist_lint_result_free(r);
        n++;
    }
    closedir(d);
    assert_true(n >= 5);
    assert_int_equal(bad, 0);
}

/* Findings point at the right place. */
static void ranges(void **state)
{
    lint_case c = T("DL3021", "FROM alpine:3.19\nCOPY a b /dst\n");
    hoist_lint_result *r = lint_text(&c);
    bool seen = false;
    for (size_t k = 0; k < hoist_lint_result_finding_count(r); k++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(r, k);
        if (strcmp(f->code, "DL3021"))
            continue;
        seen = true;
        assert_int_equal(f->range.start.line, 2);
        assert_int_equal(f->range.start.column, 10);
        assert_int_equal(f->severity, HOIST_LINT_ERROR);
        assert_string_equal(f->source, "hadolint");
        assert_non_null(f->hint);
    }
    assert_true(seen);
    hoist_lint_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_case),
        cmocka_unit_test(every_rule_covered),
        cmocka_unit_test(good_files_are_clean),
        cmocka_unit_test(ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
