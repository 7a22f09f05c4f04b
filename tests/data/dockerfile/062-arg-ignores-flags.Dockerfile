FROM a
ARG --foo x=1
