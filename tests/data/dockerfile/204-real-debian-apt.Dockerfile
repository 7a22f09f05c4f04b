FROM debian:bookworm-slim
LABEL org.opencontainers.image.source="https://example.com/repo" \
      org.opencontainers.image.licenses="MIT"
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates \
      # tools we need
      curl \
 && rm -rf /var/lib/apt/lists/*
VOLUME ["/var/lib/app"]
STOPSIGNAL SIGTERM
