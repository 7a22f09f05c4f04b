FROM a AS b
FROM a
ARG S=b
RUN --mount=from=$S,target=/x true
