FROM a
ONBUILD COPY --chown='app user' x y
