FROM a
RUN --mount=type=cache,target=/root/.cache \
    --mount=type=bind,source=go.sum,target=go.sum \
    go build ./...
