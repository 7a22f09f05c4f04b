FROM python:3.12.3-slim-bookworm
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN useradd --create-home --uid 10001 app
USER 10001
HEALTHCHECK --interval=30s CMD ["curl", "-fsS", "http://localhost:8000/health"]
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
