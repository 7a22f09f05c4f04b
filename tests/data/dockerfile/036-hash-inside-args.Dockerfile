FROM a
RUN echo # not a comment
