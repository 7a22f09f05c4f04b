FROM a
COPY --from a b
