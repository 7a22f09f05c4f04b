FROM a
RUN [["a"]]
