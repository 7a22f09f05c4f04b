FROM a
ENV "A B" c
