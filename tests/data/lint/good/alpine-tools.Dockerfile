FROM alpine:3.19.1
RUN apk add --no-cache ca-certificates=20240226-r0 tzdata=2024a-r0
LABEL org.opencontainers.image.source="https://example.com/repo" \
      org.opencontainers.image.licenses="MIT"
WORKDIR /opt/tool
COPY --chown=0:0 tool.sh /usr/local/bin/tool
USER 65534
ENTRYPOINT ["/usr/local/bin/tool"]
