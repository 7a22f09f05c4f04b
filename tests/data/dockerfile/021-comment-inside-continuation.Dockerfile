FROM a
RUN a \
# dropped
  b
