FROM a
HEALTHCHECK --timeout=abc CMD true
