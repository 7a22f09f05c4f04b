FROM a
COPY onlyone
