ARG REGISTRY=docker.io
ARG IMAGE=library/alpine
ARG TAG=3.20
FROM ${REGISTRY}/${IMAGE}:${TAG} AS base
ARG TAG
ENV TAG=${TAG}
LABEL tag="${TAG}"
FROM base
RUN echo "$TAG"
