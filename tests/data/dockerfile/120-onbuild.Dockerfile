FROM a
ONBUILD RUN echo triggered
ONBUILD COPY --from=b . /app
