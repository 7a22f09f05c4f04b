FROM a
RUN --network=none --security=insecure true
