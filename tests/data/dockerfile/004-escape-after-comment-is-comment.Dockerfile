# hello
# escape=`
FROM alpine
RUN echo `
WORKDIR /x
