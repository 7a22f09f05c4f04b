FROM a
RUN a \

  b
