FROM a
HEALTHCHECK --interval=1ns CMD true
