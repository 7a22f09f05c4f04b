FROM a
RUN -- --x --y
