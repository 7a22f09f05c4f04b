FROM a
RUN echo \\
RUN echo next
