FROM a
COPY --chown='ap'p:"g r" a b
