# Production image for web, worker and beat (docker-compose.yml runs all three from it).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATHWAY_ENV=production DJANGO_SETTINGS_MODULE=config.settings

RUN useradd --system --create-home --home-dir /app pathway
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY core ./core
COPY accounts ./accounts
COPY notifications ./notifications
COPY casework ./casework
COPY shelters ./shelters
COPY referrals ./referrals
COPY national_statistics ./national_statistics
COPY seeds ./seeds
COPY templates ./templates
COPY static ./static
COPY manage.py ./
RUN pip install --no-cache-dir -e . \
 && SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgresql://build/build \
    python manage.py collectstatic --noinput -v 0

USER pathway
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
