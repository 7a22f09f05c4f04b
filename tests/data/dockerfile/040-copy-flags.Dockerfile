FROM a AS build
FROM b
COPY --from=build --chown=1000:1000 --chmod=0755 /out/app /usr/local/bin/
