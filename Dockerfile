# Production image for web, worker and beat (docker-compose.yml runs all three from it).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATHWAY_ENV=production DJANGO_SETTINGS_MODULE=config.settings

RUN useradd --system --create-home --home-dir /app pathway
WORKDIR /app
# The whole tree less .dockerignore: every app, locale/ (the compiled Lao catalogue), templates,
# static files and fonts, and any folder added later.
COPY . ./
# collectstatic loads the production settings, which refuse to start without keys: these
# throwaway values exist only in this build step (the containers get theirs from .env).
RUN pip install --no-cache-dir -e . \
 && SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgresql://build/build \
    PATHWAY_FIELD_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    PATHWAY_BLIND_INDEX_KEYS=AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE= \
    python manage.py collectstatic --noinput -v 0

USER pathway
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
