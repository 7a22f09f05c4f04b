FROM a
RUN echo
