# syntax=docker/dockerfile:1
# escape=\
# a comment
FROM a
RUN echo \

  hi
