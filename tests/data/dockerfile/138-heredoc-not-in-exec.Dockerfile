FROM a
RUN ["cat", "<<EOF"]
