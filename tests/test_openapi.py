import pytest
from django.core.management import call_command
from django.urls import reverse


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/organisations/" in (tmp_path / "schema.yaml").read_text()


@pytest.mark.django_db
def test_the_schema_and_its_docs_need_a_login(api, people):
    assert api.get(reverse("schema")).status_code in (401, 403)
    api.force_authenticate(people.social_worker)
    assert api.get(reverse("schema")).status_code == 200
