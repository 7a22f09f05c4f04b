FROM a
RUN echo "<<EOF"
