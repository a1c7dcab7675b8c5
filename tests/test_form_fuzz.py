"""A hypothesis fuzz of the web forms (issue 8, part 6): each form is read from its rendered
page (tests/html_forms.py), then posted with generated and hostile values through the test
client. Whatever comes in, the answer is never a server error; a refusal shows the form again
with its errors (400, or 403/404/409 as the views answer them) and changes nothing: no record,
no change in the audit log. Each example runs in a savepoint rolled back afterwards, so every
example starts from the same world (the access matrix's)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import hypothesis
import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st

from accounts.models import AuditAction, AuditEvent
from casework.models import Case, CaseNote, Person, Screening, Service
from referrals.models import Consent, Referral
from shelters.models import BedOutage, Stay
from tests import hostile
from tests.html_forms import Field, page_forms, the_form
from tests.test_access_matrix import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow

EXAMPLES_PER_FORM = 25
CHANGES = [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]


def value(field: Field) -> st.SearchStrategy[Any]:
    """What a person, a script or a tampered request could put in this field."""
    junk = st.sampled_from(hostile.ALL)
    if field.kind in ("select", "checkbox", "radio"):
        one = st.one_of(st.sampled_from(field.options or [""]), junk)
        return st.lists(one, max_size=4) if field.multiple else one
    if field.kind == "date":
        return st.one_of(st.dates(date(1900, 1, 1), date(2100, 1, 1)).map(date.isoformat), junk)
    if field.kind == "number":
        return st.one_of(st.integers(-(10**12), 10**12).map(str), junk)
    return st.one_of(st.text(max_size=300), st.just("a plain answer"), junk)


def submissions(fields: dict[str, Field]) -> st.SearchStrategy[dict[str, Any]]:
    """A value for each field, or (one time in four) the field left out."""
    each = {name: st.one_of(value(field), value(field), value(field), st.none()) for name, field in fields.items()}
    return st.fixed_dictionaries(each).map(lambda data: {k: v for k, v in data.items() if v is not None})


def plausible(field: Field) -> str:
    """A value the form accepts, so that the hostile text beside it reaches the service."""
    if field.kind in ("select", "checkbox", "radio"):
        return next((option for option in field.options if option), "")
    return {"date": "2026-03-01", "number": "20"}.get(field.kind, "")


def hostile_examples(fields: dict[str, Field]) -> list[dict[str, str]]:
    """Nothing at all (the referral form once answered that with a 400 and no message), then
    each hostile string in every text field, the other fields filled in plausibly."""
    texts = [name for name, field in fields.items() if field.kind in ("text", "textarea", "search")]
    base = {name: plausible(field) for name, field in fields.items()}
    return [{}, *({**base, **dict.fromkeys(texts, payload)} for payload in (hostile.ALL if texts else []))]


def with_examples(test: Callable[..., None], examples: list[dict[str, str]]) -> Callable[..., None]:
    for data in examples:
        test = hypothesis.example(data=data)(test)
    return test


def footprint() -> tuple[int, ...]:
    """What a half-saved form would leave behind."""
    return (
        AuditEvent.objects.filter(action__in=CHANGES).count(),
        *(
            model.objects.count()
            for model in (Person, Case, CaseNote, Service, Screening, Stay, BedOutage, Referral, Consent)
        ),
    )


def case_tab(tab: str) -> Callable[[Any], str]:
    return lambda o: reverse("casework:case-detail", args=[o.case.pk]) + f"?tab={tab}"


def same_page(url: Callable[[Any], str]) -> tuple[Callable[[Any], str], Callable[[Any], str]]:
    return url, url


# (persona, the page that shows the form, where the form posts)
FORMS = {
    "intake": ("social_worker", lambda o: reverse("casework:intake"), lambda o: reverse("casework:intake")),
    "screening": (
        "social_worker",
        lambda o: reverse("casework:screening-new", args=[o.case.pk]),
        lambda o: reverse("casework:screening-new", args=[o.case.pk]),
    ),
    "note": ("social_worker", case_tab("notes"), lambda o: reverse("casework:note-add", args=[o.case.pk])),
    "service": ("social_worker", case_tab("services"), lambda o: reverse("casework:service-add", args=[o.case.pk])),
    "closure": (
        "social_worker",
        case_tab("history"),
        lambda o: reverse("casework:closure-request", args=[o.case.pk]),
    ),
    "repatriation step": (
        "social_worker",
        case_tab("repatriation"),
        lambda o: reverse("casework:step-update", args=[o.case.pk, o.step.pk]),
    ),
    "repatriation start": (
        "social_worker",
        lambda o: reverse("casework:case-detail", args=[o.adult_case.pk]) + "?tab=repatriation",
        lambda o: reverse("casework:repatriation-start", args=[o.adult_case.pk]),
    ),
    **{
        f"repatriation {name}": (
            "social_worker",
            case_tab("repatriation"),
            lambda o, name=name: reverse(f"casework:repatriation-{name}", args=[o.case.pk, o.repatriation.pk]),
        )
        for name in ("family-assessment", "return-decision", "await-legal-proceedings", "cancel")
    },
    "admit": (
        "shelter_staff",
        lambda o: reverse("shelters:admit", args=[o.shelter.code]),
        lambda o: reverse("shelters:admit", args=[o.shelter.code]),
    ),
    "discharge": (
        "shelter_staff",
        lambda o: reverse("shelters:discharge", args=[o.stay.pk]),
        lambda o: reverse("shelters:discharge", args=[o.stay.pk]),
    ),
    "transfer": (
        "shelter_staff",
        lambda o: reverse("shelters:transfer", args=[o.stay.pk]),
        lambda o: reverse("shelters:transfer", args=[o.stay.pk]),
    ),
    "bed out of service": (
        "manager",
        lambda o: reverse("shelters:bed-out-of-service", args=[o.spare_bed.pk]),
        lambda o: reverse("shelters:bed-out-of-service", args=[o.spare_bed.pk]),
    ),
    "referral": (
        "social_worker",
        lambda o: reverse("referrals:create", args=[o.case.pk]),
        lambda o: reverse("referrals:create", args=[o.case.pk]),
    ),
    # i16-people: forms that post to the page that shows them
    "person": ("social_worker", *same_page(lambda o: reverse("casework:person-edit", args=[o.case.pk]))),
    "relative": (
        "social_worker",
        *same_page(lambda o: reverse("casework:family-edit", args=[o.case.pk, o.family_member.pk])),
    ),
    "new case for a registered person": (
        "social_worker",
        *same_page(lambda o: reverse("casework:person-case-open", args=[o.case.person_id])),
    ),
    "merge": (
        "manager",
        lambda o: reverse("casework:person-compare", args=[o.case.pk, o.adult_person.pk]),
        lambda o: reverse("casework:person-merge", args=[o.case.pk, o.adult_person.pk]),
    ),
    "consent": (
        "social_worker",
        lambda o: reverse("referrals:consent-create", args=[o.case.pk]),
        lambda o: reverse("referrals:consent-create", args=[o.case.pk]),
    ),
    "consent withdrawal": (
        "social_worker",
        lambda o: reverse("referrals:consent-withdraw", args=[o.consent.pk]),
        lambda o: reverse("referrals:consent-withdraw", args=[o.consent.pk]),
    ),
    "our services": (
        "manager",
        *same_page(lambda o: reverse("referrals:directory-edit", args=[o.orgs.mlsw_vt.pk])),
    ),
    # i18-setup: the shelter set-up pages (shelters/setup_views.py)
    **{
        name: ("manager", url, url)
        for name, url in (
            ("new shelter", lambda o: reverse("shelters:new")),
            ("describe shelter", lambda o: reverse("shelters:edit", args=[o.shelter.code])),
            ("add room", lambda o: reverse("shelters:room-add", args=[o.shelter.code])),
            ("add beds", lambda o: reverse("shelters:beds-add", args=[o.shelter.code])),
            ("post staff", lambda o: reverse("shelters:staff-post", args=[o.shelter.code])),
            ("retire bed", lambda o: reverse("shelters:bed-retire", args=[o.spare_bed.pk])),
            ("end outage", lambda o: reverse("shelters:outage-end", args=[o.outage.pk])),
        )
    },
}

# Search and filter boxes (method="get"): (persona, page)
SEARCHES = {
    "case list": ("social_worker", lambda o: reverse("casework:case-list")),
    "referral inbox": ("counsellor", lambda o: reverse("referrals:inbox")),
    "directory of services": ("police", lambda o: reverse("referrals:directory")),
    "occupancy report": ("manager", lambda o: reverse("shelters:occupancy-report")),
    "statistics": ("statistician", lambda o: reverse("statistics:page")),
}

SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_a_form_refuses_bad_input_with_its_errors_and_saves_nothing(name, world, client):  # noqa: F811
    persona, page, action = FORMS[name]
    client.force_login(getattr(world.people, persona))
    shown = client.get(page(world))
    assert shown.status_code == 200
    form = the_form(shown.content.decode(), action=action(world), page_url=page(world).split("?")[0])
    assert form.method == "post" and form.fields, f"{name}: no fields found"

    def posts(data: dict[str, Any]) -> None:
        with transaction.atomic():
            before = footprint()
            response = client.post(action(world), data)
            assert response.status_code < 500
            if response.status_code != 302:  # not saved: the form again (with what went wrong, or blank)
                assert response.status_code in (200, 400, 403, 404, 409), response.status_code
                assert footprint() == before, "a refused form left something behind"
                if response.status_code == 400:
                    assert 'class="errors' in response.content.decode()  # a field's, or the summary's
            transaction.set_rollback(True)

    SETTINGS(with_examples(given(data=submissions(form.fields))(posts), hostile_examples(form.fields)))()


TEXT_KINDS = ("text", "textarea", "search", "tel", "email", "url")


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_every_text_field_of_a_form_is_bounded_and_one_over_is_refused(name, world, client):  # noqa: F811
    """Free text has a maximum size (core.limits): the page says it (maxlength) and the
    server refuses one character more with the form's errors, saving nothing."""
    persona, page, action = FORMS[name]
    client.force_login(getattr(world.people, persona))
    form = the_form(client.get(page(world)).content.decode(), action=action(world), page_url=page(world).split("?")[0])
    texts = {name: field for name, field in form.fields.items() if field.kind in TEXT_KINDS}
    assert all(field.maxlength for field in texts.values()), [n for n, f in texts.items() if not f.maxlength]
    base = {name: plausible(field) for name, field in form.fields.items()}
    for field_name, field in texts.items():
        with transaction.atomic():
            before = footprint()
            response = client.post(action(world), {**base, field_name: "x" * (field.maxlength + 1)})
            assert response.status_code in (200, 400), (field_name, response.status_code)
            assert 'class="errors"' in response.content.decode(), field_name
            assert footprint() == before, field_name
            transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", SEARCHES)
def test_a_search_or_filter_box_never_fails(name, world, client):  # noqa: F811
    persona, page = SEARCHES[name]
    client.force_login(getattr(world.people, persona))
    shown = client.get(page(world))
    assert shown.status_code == 200
    forms = page_forms(shown.content.decode())
    fields = {name: field for form in forms if form.method == "get" for name, field in form.fields.items()}
    assert fields, f"{name}: no search or filter field found"

    def searches(data: dict[str, Any]) -> None:
        with transaction.atomic():
            before = footprint()
            response = client.get(page(world), data)
            # 404: a filter naming a shelter outside one's scope answers like a missing one
            assert response.status_code in (200, 400, 404), response.status_code
            assert footprint() == before
            transaction.set_rollback(True)

    SETTINGS(with_examples(given(data=submissions(fields))(searches), hostile_examples(fields)))()
