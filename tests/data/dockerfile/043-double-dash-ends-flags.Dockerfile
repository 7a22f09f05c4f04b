FROM a
RUN -- --not-a-flag
