"""The production shape: settings that refuse to start half-configured, `check --deploy`
clean, and a docker-compose.yml that wires the services the settings expect."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config.keys import DEVELOPMENT_BLIND_INDEX_KEY

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "PATHWAY_ENV": "production",
    "SECRET_KEY": "x" * 64 + "-a-long-random-production-secret",
    "ALLOWED_HOSTS": "pathway.example.org",
    "DATABASE_URL": "postgresql://pathway@127.0.0.1:5432/pathway",
    "PATHWAY_FIELD_KEYS": "zGgkFbCQH6aGqcGPAF1ofVdRIVUIaAaj7A9m-DIGgZg=",
    "PATHWAY_BLIND_INDEX_KEYS": "xUA2u5D9UPY6Ai0GzW8cTfSx5KC-aDq5Jc9Rk7dN6OU=",
}


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """`manage.py` in a process of its own (seconds each: the tests that call it are marked slow)."""
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_production_cookies_are_secure_http_only_and_same_site_and_pages_carry_the_csp():
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_SAVE_EVERY_REQUEST",
        "SESSION_COOKIE_AGE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "MIDDLEWARE",
        "PASSWORD_HASHERS",
    ]
    script = (
        f"import json; from django.conf import settings as s; print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    )
    result = manage("shell", "-c", script, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SESSION_SAVE_EVERY_REQUEST"] is True, "the cookie age is an idle timeout"
    assert 0 < values["SESSION_COOKIE_AGE"] <= 3600
    assert values["SECURE_SSL_REDIRECT"] is True and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert "csp.middleware.CSPMiddleware" in values["MIDDLEWARE"]
    assert "django_otp.middleware.OTPMiddleware" in values["MIDDLEWARE"]
    # argon2, though this process inherits PYTEST_VERSION (the tests' fast hasher is not for production)
    assert values["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")


@pytest.mark.slow
@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "PATHWAY_FIELD_KEYS", "PATHWAY_BLIND_INDEX_KEYS"]
)
def test_production_refuses_to_start_without(missing):
    environment = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = manage("check", **environment)
    assert result.returncode != 0
    assert f"{missing} must be set when PATHWAY_ENV=production" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"PATHWAY_FIELD_KEYS": "too-short"}, "PATHWAY_FIELD_KEYS: every key must be 32 bytes"),
        ({"PATHWAY_BLIND_INDEX_KEYS": DEVELOPMENT_BLIND_INDEX_KEY}, "the development key cannot be used in production"),
        ({"PATHWAY_BLIND_INDEX_KEYS": PRODUCTION["PATHWAY_FIELD_KEYS"]}, "must not share a key"),
        ({"SECRET_KEY": PRODUCTION["PATHWAY_FIELD_KEYS"]}, "PATHWAY_FIELD_KEYS must not reuse SECRET_KEY"),
    ],
)
def test_production_refuses_unusable_encryption_keys(changes, message):
    result = manage("check", **{**PRODUCTION, **changes})
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.slow
def test_production_refuses_the_test_only_webhook_allow_list():
    result = manage("check", **{**PRODUCTION, "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32"})
    assert result.returncode != 0
    assert "WEBHOOK_ALLOWED_NETWORKS is for tests and development only" in result.stderr


@pytest.mark.slow
def test_only_postgresql_is_accepted():
    result = manage("check", DATABASE_URL="sqlite:///tmp/x.db")
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_production_services_with_health_checks(compose):
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert any(volume.startswith("pgdata:") for volume in services["db"]["volumes"])
    assert "pgdata" in compose["volumes"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "beat" in services["beat"]["command"]
    assert "worker" in services["worker"]["command"]
    assert services["web"]["command"][0] == "gunicorn"


def test_compose_passes_the_variables_the_settings_read(compose):
    settings_source = (ROOT / "config" / "settings.py").read_text()
    readers = r"(?:env|env_bool|env_int|env_float|env_list|required)"
    read_by_settings = set(re.findall(readers + r'\("([A-Z_]+)"', settings_source))
    for name in ("web", "worker", "beat"):
        environment = compose["services"][name]["environment"]
        assert {"PATHWAY_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= set(environment)
        assert {"PATHWAY_FIELD_KEYS", "PATHWAY_BLIND_INDEX_KEYS"} <= set(environment)
        unknown = set(environment) - read_by_settings
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"
    assert compose["services"]["web"]["environment"]["DATABASE_URL"].split("@")[1].startswith("db:5432/")
    assert compose["services"]["web"]["environment"]["REDIS_URL"].startswith("redis://redis:6379")


def test_compose_stores_attachments_in_a_private_minio_bucket(compose):
    services = compose["services"]
    assert services["minio"]["image"].startswith("minio/minio:") and "healthcheck" in services["minio"]
    assert "ports" not in services["minio"]  # reached by the app only, never published
    assert any(volume.startswith("miniodata:") for volume in services["minio"]["volumes"])
    assert "miniodata" in compose["volumes"]
    assert "anonymous set none" in services["minio-init"]["entrypoint"][-1]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["PATHWAY_ATTACHMENTS_ENDPOINT"] == "http://minio:9000"
        assert environment["PATHWAY_ATTACHMENTS_BUCKET"]
        assert services[name]["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"


def test_the_dockerfile_builds_the_app_the_compose_file_names():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11" in dockerfile
    assert "collectstatic" in dockerfile and "USER pathway" in dockerfile
