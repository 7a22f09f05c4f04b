FROM a
# first
# second
RUN one

# third
RUN two
