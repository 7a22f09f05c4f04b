FROM alpine
RUN echo hi \
  there
CMD ["sh"]
