"""Redis down (cache, throttling counters and Celery's broker all live there): staff still sign in
and work, partners still pull, and what a request would have queued is picked up by the
periodic scans when Redis returns. Through the production server, pointed at a port where no
Redis answers."""

import json
import socket
import urllib.error
import urllib.request

import pytest

from referrals.partner.tokens import token_issue
from tests.factories import make_user, open_case
from tests.processes import signed_in_over_http, web_server
from tests.shelters.test_api_concurrency import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def nobody_listening() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{probe.getsockname()[1]}/0"


def test_pages_and_the_api_work_while_redis_is_down(people, orgs):
    make_user("redis-down-worker", orgs.mlsw_vt, "social_worker", password=PASSWORD)
    open_case(people.social_worker)
    _, plaintext = token_issue(actor=people.partner, organisation=orgs.ngo, name="case system")
    down = nobody_listening()
    with web_server(threads=4, REDIS_URL=down, CACHE_URL=down, CELERY_BROKER_URL=down) as url:
        opener, _, _ = signed_in_over_http(url, "redis-down-worker", PASSWORD)
        with opener.open(f"{url}/", timeout=30) as page:
            assert page.status == 200 and page.url.rstrip("/") == url
        with opener.open(f"{url}/api/v1/cases/", timeout=30) as api:
            assert api.status == 200
        partner = urllib.request.Request(  # noqa: S310 (local test server)
            f"{url}/api/v1/partner/referrals/", headers={"Authorization": f"Bearer {plaintext}"}
        )
        with urllib.request.urlopen(partner, timeout=30) as pulled:  # noqa: S310
            assert pulled.status == 200 and "results" in json.loads(pulled.read())
        with pytest.raises(urllib.error.HTTPError) as readiness:  # the probe does tell
            urllib.request.urlopen(f"{url}/readyz", timeout=30)  # noqa: S310
        assert readiness.value.code == 503
