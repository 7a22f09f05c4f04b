FROM a
RUN set -e; \
  apt-get update; \
  apt-get install -y \
    curl \
    git; \
  rm -rf /var/lib/apt/lists/*
