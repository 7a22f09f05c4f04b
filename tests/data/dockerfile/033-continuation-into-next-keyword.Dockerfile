FROM a
RUN echo \
RUN x
