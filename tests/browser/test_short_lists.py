"""The lists that no longer count or draw everything at 720,000 people, in Lao on a phone: a
name search pages without a count, the upcoming reminders stop at the soonest (branch pagefix)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from casework.models import Case
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, watched_page
from tests.factories import open_case
from tests.notifications.reminders import days

pytestmark = pytest.mark.slow
SHOTS = Path("/tmp/pagefix")  # noqa: S108 (the brief's screenshot folder)


def test_a_name_search_and_the_upcoming_reminders_in_lao_at_360(
    browser, live_server, transactional_db, reference, people, monkeypatch
):  # type: ignore[no-untyped-def]
    opened = [open_case(people.social_worker) for _ in range(26)]
    Case.objects.filter(pk__in=[case.pk for case in opened[:2]]).update(created_at=timezone.now() - days(25))
    monkeypatch.setattr("notifications.views.UPCOMING_SHOWN", 1)
    SHOTS.mkdir(exist_ok=True)
    with watched_page(browser, live_server.url, width=360) as page:
        login_as(page, people.social_worker, language="lo")
        page.goto("/cases/?search=Synthetic")
        assert "ໜ້າ 1" in page.content() and 'class="count"' not in page.content()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(SHOTS / "name-search-lo-360.png"), full_page=True)
        page.goto("/notifications/")
        assert "ສະແດງພຽງ 1 ລາຍການທີ່ໃກ້ທີ່ສຸດ" in page.content()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(SHOTS / "notifications-lo-360.png"), full_page=True)
