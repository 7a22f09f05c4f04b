FROM a
RUN ["sh", "-c", "echo a\nb"]
