FROM a
COPY --chown="app user" src dst
