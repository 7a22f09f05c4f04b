FROM a
WORKDIR /path with spaces
