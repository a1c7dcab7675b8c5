"""Case codes under concurrency: 20 intakes at once from separate connections, some of which
fail after taking a number, leave codes without duplicates and without gaps."""

import pytest

from casework.models import CaseCodeCounter, Person
from casework.services.people import allocate_case_codes
from core.errors import ApplicationError
from tests.concurrency import run_concurrently
from tests.factories import open_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_concurrent_intakes_get_distinct_gap_free_codes(people):
    failing = {3, 7, 11, 15, 19}

    def intake(index):
        # Failing intakes break after the person (and its number) was taken: the rollback must
        # return the number.
        category = "not-a-category" if index in failing else "trafficking"
        return open_case(people.social_worker, category=category).person.case_code

    outcomes = run_concurrently(20, lambda index: index, intake)
    codes = [outcome for outcome in outcomes if isinstance(outcome, str)]
    errors = [outcome for outcome in outcomes if not isinstance(outcome, str)]
    assert all(isinstance(error, ApplicationError) for error in errors), errors
    assert len(errors) == len(failing)
    assert sorted(codes) == [f"VT-2026-{number:05d}" for number in range(1, 16)]
    assert Person.objects.count() == 15
    assert CaseCodeCounter.objects.get(province__code="VT", year=2026).last_number == 15


def test_a_code_is_only_taken_inside_a_transaction(reference):
    from accounts.models import Province

    with pytest.raises(RuntimeError):
        allocate_case_codes(province=Province.objects.get(code="VT"), year=2026, count=1)
