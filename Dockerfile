# Production image: gunicorn serves the app; the same image runs the Celery worker and beat
# (see docker-compose.yml). Debian bookworm, whose package names below are the tested ones.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# System libraries WeasyPrint needs, and fonts with Vietnamese glyphs for the PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-noto-core \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --user-group app

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY --chown=app:app . .
# Written at start-up (collectstatic) and at run time (uploads, generated PDFs).
RUN mkdir -p staticfiles media && chown app:app staticfiles media

USER app
ENV DEBUG=0 \
    WEB_CONCURRENCY=3
EXPOSE 8000
CMD ["gunicorn", "thanhsen.wsgi", "-b", "0.0.0.0:8000", "--access-logfile", "-"]
