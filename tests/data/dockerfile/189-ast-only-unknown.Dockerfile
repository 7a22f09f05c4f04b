BOGUS one
RUN x
