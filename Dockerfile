# A minimal image: migrate, load the shipped bank, serve. Hardening (multi-stage, lock file, non-root user,
# health check) is the self-hosting issue's work.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 MOCKEXAM_DATA_DIR=/data
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY question_bank ./question_bank
# Editable, so the app finds templates, static files, migrations and the bank beside it in /app.
RUN pip install --no-cache-dir -e .
EXPOSE 8000
CMD ["mockexam", "serve", "--host", "0.0.0.0", "--port", "8000"]
