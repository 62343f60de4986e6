# mockexam image: dependencies from requirements.lock, built in one stage and copied into a slim runtime
# that runs as an unprivileged user. On start it migrates, loads the shipped bank (both idempotent),
# then serves with WEB_CONCURRENCY uvicorn workers.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.lock /tmp/requirements.lock
RUN pip install -r /tmp/requirements.lock
WORKDIR /app
COPY pyproject.toml README.md ./
COPY app ./app
# Editable, so the app finds templates, static files, migrations and the bank beside it in /app.
RUN pip install --no-deps -e .

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    MOCKEXAM_DATA_DIR=/data MOCKEXAM_ENVIRONMENT=production PORT=8000 WEB_CONCURRENCY=2
RUN groupadd --system mockexam && useradd --system --gid mockexam --home-dir /app --shell /usr/sbin/nologin mockexam \
    && mkdir -p /data && chown mockexam:mockexam /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --from=build /app /app
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY question_bank ./question_bank
USER mockexam
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]
CMD ["mockexam", "serve", "--host", "0.0.0.0"]
