FROM a
RUN -x echo
