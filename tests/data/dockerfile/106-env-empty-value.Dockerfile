FROM a
ENV A= B=""
