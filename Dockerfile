# Baton's image for a pilot with `docker compose up` (compose.yaml) — the same program as
# a systemd deployment (docs/deployment.md), on Debian 12 with Python 3.11.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BATON_VAR_DIR=/srv/baton/var \
    PROMETHEUS_MULTIPROC_DIR=/tmp/baton-metrics

# The monthly pack's charts need a Chinese font; curl for the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /srv/baton
COPY pyproject.toml README.md LICENSE ./
COPY baton ./baton
COPY config ./config
RUN pip install --no-cache-dir . \
    && useradd --system --home-dir /srv/baton --shell /usr/sbin/nologin baton \
    && mkdir -p /srv/baton/var /srv/baton/anchor /tmp/baton-metrics \
    && chown baton:baton /srv/baton/var /srv/baton/anchor /tmp/baton-metrics

USER baton
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.py", "--bind", "0.0.0.0:8000"]
