"""Dates are typed day/month/year in both languages, whatever the browser (issue 17.1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from casework.models import Case
from casework.names import name_filter
from core.pages import DateField, DateInput


class PlainForm(forms.Form):
    """As issue-16 pages write it: Django's own DateField with the shared widget."""

    day = forms.DateField(widget=DateInput())


class CoreForm(forms.Form):
    day = DateField()


@pytest.mark.parametrize("language", ["en", "lo"])
@pytest.mark.parametrize("form_class", [PlainForm, CoreForm])
@pytest.mark.parametrize("typed", ["14/05/2010", "14.05.2010", "14-05-2010", "2010-05-14", " 14/5/2010 "])
def test_day_first_and_iso_dates_are_read_in_both_languages(language, form_class, typed):
    with translation.override(language):
        form = form_class({"day": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2010, 5, 14)


@pytest.mark.parametrize("language", ["en", "lo"])
@pytest.mark.parametrize("typed", ["05/14/2010", "31/02/2010", "14/05/10", "14052010", "2010/14/05", "May 14 2010"])
def test_month_first_impossible_or_two_digit_years_are_refused(language, typed):
    with translation.override(language):
        form = CoreForm({"day": typed})
        assert not form.is_valid()
        message = form.errors["day"][0]
    assert "14/05/2010" in message


def test_the_lao_message_is_in_lao():
    with translation.override("lo"):
        form = CoreForm({"day": "05/14/2010"})
        form.is_valid()
        assert "ວັນ" in form.errors["day"][0]


def test_the_widget_is_a_numeric_text_box_showing_day_month_year_with_a_hint():
    html = str(CoreForm(initial={"day": date(2010, 5, 14)})["day"])
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert 'value="14/05/2010"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert 'aria-describedby="id_day_format"' in html and 'id="id_day_format"' in html
    assert 'type="date"' not in html
    with translation.override("lo"):
        assert "ວັນ/ເດືອນ/ປີ" in str(CoreForm()["day"])


INTAKE = {
    "given_name_latin": "Kham",
    "family_name_latin": "Datetest",
    "sex": "female",
    "date_of_birth": "14/05/2010",
    "category": "trafficking",
    "identification_route": "police",
    "identified_on": "01/03/2026",
}


def test_intake_stores_a_day_first_birth_date(client, people):
    client.force_login(people.social_worker)
    response = client.post(reverse("casework:intake"), INTAKE)
    assert response.status_code == 302
    case = Case.objects.select_related("person").get(name_filter("Datetest", "person__"))
    assert case.person.date_of_birth == date(2010, 5, 14) and case.identified_on == date(2026, 3, 1)


def test_intake_reports_a_future_birth_date_with_the_other_errors_at_once(client, people):
    client.force_login(people.social_worker)
    future = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    values = {**INTAKE, "sex": "", "date_of_birth": future, "exploitation_started_on": "31/02/2026"}
    html = client.post(reverse("casework:intake"), values).content.decode()
    assert 'id="id_sex_error"' in html
    assert "The date of birth cannot be in the future." in html
    assert 'id="id_exploitation_started_on_error"' in html
    assert not Case.objects.exists()


def test_intake_reports_dates_against_each_other_with_a_missing_field(client, people):
    client.force_login(people.social_worker)
    values = {**INTAKE, "category": "", "identified_on": "01/03/2009"}
    html = client.post(reverse("casework:intake"), values).content.decode()
    assert 'id="id_category_error"' in html
    assert "This date is before the person&#x27;s date of birth." in html


@pytest.mark.parametrize("typed", ["31/12/9999", "01/01/0001", "31/12/1899", "01/01/2200"])
def test_years_no_record_has_are_refused_before_a_day_is_added_to_them(typed):
    """Found by the form fuzzing: a consent valid until 31/12/9999 overflowed its expiry (+1 day)."""
    field = DateField()
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert refused.value.messages == ["Enter a year between 1900 and 2199."]
    assert field.clean("31/12/2199") == date(2199, 12, 31)
