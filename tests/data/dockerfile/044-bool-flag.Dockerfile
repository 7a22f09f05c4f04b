FROM a
COPY --link --chmod=644 a b
