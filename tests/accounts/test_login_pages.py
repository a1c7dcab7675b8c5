import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def worker(people):
    people.social_worker.set_password(PASSWORD)
    people.social_worker.save()
    return people.social_worker


def test_pages_need_a_login(client, reference):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_worker_logs_in_and_out(client, worker):
    response = client.post(reverse("login"), {"username": "sw", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert b"sw" in response.content
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_a_wrong_password_keeps_the_username_and_says_so(client, worker):
    response = client.post(reverse("login"), {"username": "sw", "password": "nope"})
    assert response.status_code == 200
    assert b'value="sw"' in response.content
    assert b"errors" in response.content


def test_lockout_is_per_user_and_address(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "sw", "password": "nope"}, REMOTE_ADDR="10.0.0.1")
    locked = client.post(reverse("login"), {"username": "sw", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    # The same person from another office address can still log in: no malicious lockout.
    other = client.post(reverse("login"), {"username": "sw", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_the_login_page_is_offered_in_lao(client, reference):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="lo")
    assert b'lang="lo"' in response.content
