"""Health probes. The failure cases run the real application in a subprocess pointed at a
database or broker that is not there, and read what /readyz answers."""

import json
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.processes import project_env

PROBE = """
import django, json, os
django.setup()
from django.test import Client
response = Client().get("/readyz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def probe_readyz(**environment: str) -> dict:
    env = project_env(**environment)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_when_database_and_broker_answer(client):
    response = client.get(reverse("readyz"))
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True}


@pytest.mark.slow  # the application in a process of its own
@pytest.mark.django_db
def test_readyz_fails_clearly_when_the_database_is_down():
    result = probe_readyz(DATABASE_URL="postgresql://postgres@127.0.0.1:1/pathway")
    assert result["status"] == 503
    assert result["body"]["status"] == "unavailable"
    assert result["body"]["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert result["body"]["checks"]["broker"]["ok"] is True


@pytest.mark.slow
@pytest.mark.django_db
def test_readyz_fails_clearly_when_the_broker_is_down():
    result = probe_readyz(REDIS_URL="redis://127.0.0.1:1/0", CELERY_BROKER_URL="")
    assert result["status"] == 503
    assert result["body"]["checks"]["broker"] == {"ok": False, "error": "ConnectionError"}
    assert result["body"]["checks"]["database"]["ok"] is True
