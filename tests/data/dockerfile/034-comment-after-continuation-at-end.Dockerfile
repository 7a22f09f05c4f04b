FROM a
RUN echo \
# c1
# c2
