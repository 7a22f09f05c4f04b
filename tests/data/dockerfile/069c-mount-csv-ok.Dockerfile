FROM a
RUN --mount=type=cache,target=/root/.cache,id=go,sharing=locked,ro --mount="type=bind,source=a,target=/b" true
