FROM a
RUN --network=host
