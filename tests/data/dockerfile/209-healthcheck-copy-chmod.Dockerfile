FROM a
COPY --chmod=755 --chown=app:app entrypoint.sh /usr/local/bin/
HEALTHCHECK --start-period=10s CMD ["/usr/local/bin/entrypoint.sh", "health"]
