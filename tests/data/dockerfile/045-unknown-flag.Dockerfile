FROM a
RUN --foo=bar echo
