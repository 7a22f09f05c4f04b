FROM a
RUN --mount= true
