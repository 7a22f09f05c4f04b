FROM a AS my/stage
