# syntax=docker/dockerfile:1.7
FROM python:3.12-slim
RUN <<EOT bash
  set -eux
  apt-get update
  apt-get install -y --no-install-recommends curl
  rm -rf /var/lib/apt/lists/*
EOT
COPY <<-"EOF" /app/main.py
	import os
	print(os.environ.get("NAME", "world"))
	EOF
CMD ["python", "/app/main.py"]
