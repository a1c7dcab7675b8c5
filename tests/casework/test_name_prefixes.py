"""Name search by the beginning of a word through the blind index of word prefixes (issue 17.5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casework.models import Person
from casework.names import PREFIX_MAX, PREFIX_MIN, name_filter, word_prefixes
from tests.factories import open_case

pytestmark = pytest.mark.django_db


def found(term: str) -> set[str]:
    return set(Person.objects.filter(name_filter(term)).values_list("family_name_latin", flat=True))


@pytest.fixture
def manivanh(people):
    names = {"given_name_latin": "Manivanh", "family_name_latin": "Phommachanh", "given_name_lo": "ມະນີວັນ"}
    return open_case(people.social_worker, person_values={**names, "sex": "female"}).person


def test_the_beginning_of_a_word_finds_the_name(manivanh):
    assert found("Mani") == {"Phommachanh"}
    assert found("mani phom") == {"Phommachanh"}  # every word must match the start of one
    assert found("Manivanh") == {"Phommachanh"}  # the whole word still
    assert found("Maniv") == {"Phommachanh"}
    assert found("Manix") == set()
    assert found("ivanh") == set()  # the middle of a word is not its beginning


def test_folding_applies_to_the_beginning_too(manivanh):
    assert found("Pomm") == {"Phommachanh"}  # Ph ~ P


def test_lao_script_beginnings(manivanh):
    assert found("ມະນີ") == {"Phommachanh"}


def test_short_words_match_whole_words_only(people):
    open_case(
        people.social_worker, person_values={"given_name_latin": "Noy", "family_name_latin": "Ka", "sex": "female"}
    )
    assert found("Ka") == {"Ka"}
    assert found("No") == set()


def test_a_person_indexes_every_beginning_from_3_to_12_characters():
    assert word_prefixes(["maniwan"]) == sorted(f"^{'maniwan'[:n]}" for n in range(PREFIX_MIN, 8))
    assert max(len(p) for p in word_prefixes(["a" * 30])) == PREFIX_MAX + 1


def test_the_case_list_search_finds_by_beginning(client, people, manivanh):
    client.force_login(people.social_worker)
    html = client.get(reverse("casework:case-list"), {"search": "Mani"}).content.decode()
    assert manivanh.case_code in html
