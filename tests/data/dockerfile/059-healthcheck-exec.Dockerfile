FROM a
HEALTHCHECK --interval=5m CMD ["curl", "-f", "http://x/"]
