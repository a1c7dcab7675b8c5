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
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st

from accounts.models import AuditAction, AuditEvent
from casework.models import (
    Assessment,
    BestInterestsDetermination,
    Case,
    CaseFlag,
    CaseGroup,
    CaseGroupMember,
    CaseNote,
    CasePerpetrator,
    Hearing,
    JourneyEvent,
    LegalProceeding,
    Perpetrator,
    Person,
    Question,
    Screening,
    Service,
)
from crossborder.models import Peer, Transfer, TransferStep
from referrals.models import Consent, DirectoryEntry, Referral
from shelters.models import BedOutage, Stay
from tests import hostile
from tests.html_forms import Field, page_forms, the_form
from tests.test_access_matrix import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow

# Generated examples a form, after its explicit ones (nothing at all, then each of tests/hostile.py's
# strings in every text field). 25 took a minute more of CI than 10 (docs/development.md, Test times).
EXAMPLES_PER_FORM = 10
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


WRITTEN = (
    *(Person, Case, CaseNote, Service, Screening, Stay, BedOutage, Referral, Consent),
    *(CaseFlag, Perpetrator, CasePerpetrator, LegalProceeding, Hearing, JourneyEvent, Assessment),
    *(BestInterestsDetermination, Question, CaseGroup, CaseGroupMember, Peer, Transfer, TransferStep),
    DirectoryEntry,
)


def footprint() -> tuple[int, ...]:
    """What a half-saved form would leave behind: the audit log's changes and the rows of every
    model a form writes, counted in one query (as 25 queries, twice an example, they were most of
    this module's time)."""
    parts = [AuditEvent.objects.filter(action__in=CHANGES), *(model.objects.all() for model in WRITTEN)]
    compiled = [queryset.values("pk").query.sql_with_params() for queryset in parts]
    # Django's own compiled SQL, its parameters passed apart: nothing from outside is pasted in.
    counts = ", ".join(f"(SELECT count(*) FROM ({sql}) AS part{n})" for n, (sql, _) in enumerate(compiled))  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}", [param for _, params in compiled for param in params])
        return tuple(cursor.fetchone())


def saved(response: Any) -> bool:
    """A form saved: a redirect, or (acting on a group: casework/views/links.py) the page of
    each case's result."""
    return response.status_code == 302 or (response.status_code == 200 and b'id="group-done"' in response.content)


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
    # issue 20: risk flags, legal (perpetrators, proceedings, hearings), journey, assessments,
    # linked cases and groups; the cross-border and questionnaire pages (forms on the same page)
    **{
        name: (persona, url, url)
        for name, persona, url in (
            ("raise flag", "social_worker", lambda o: reverse("casework:flag-raise", args=[o.case.pk])),
            ("clear flag", "social_worker", lambda o: reverse("casework:flag-clear", args=[o.case.pk, o.flag.pk])),
            ("new perpetrator", "police", lambda o: reverse("casework:perpetrator-add", args=[o.case.pk])),
            ("known perpetrator", "police", lambda o: reverse("casework:perpetrator-link", args=[o.case.pk])),
            (
                "perpetrator in the case",
                "police",
                lambda o: reverse("casework:perpetrator-edit", args=[o.case.pk, o.perpetrator_link.pk]),
            ),
            ("new proceedings", "social_worker", lambda o: reverse("casework:proceeding-add", args=[o.case.pk])),
            (
                "proceedings",
                "social_worker",
                lambda o: reverse("casework:proceeding-edit", args=[o.case.pk, o.proceeding.pk]),
            ),
            (
                "proceedings stage",
                "social_worker",
                lambda o: reverse("casework:proceeding-move", args=[o.case.pk, o.proceeding.pk]),
            ),
            (
                "new hearing",
                "social_worker",
                lambda o: reverse("casework:hearing-add", args=[o.case.pk, o.proceeding.pk]),
            ),
            ("hearing", "social_worker", lambda o: reverse("casework:hearing-edit", args=[o.case.pk, o.hearing.pk])),
            (
                "journey step",
                "social_worker",
                lambda o: reverse("casework:journey-add", args=[o.case.pk, "exploitation"]),
            ),
            (
                "journey step correction",
                "police",
                lambda o: reverse("casework:journey-edit", args=[o.case.pk, o.journey_event.pk]),
            ),
            ("assessment", "social_worker", lambda o: reverse("casework:assessment-new", args=[o.case.pk, "risk"])),
            (
                "best interests",
                "social_worker",
                lambda o: reverse("casework:best-interests-new", args=[o.child_case.pk]),
            ),
            (
                "questionnaire question",
                "admin",
                lambda o: reverse("casework:questionnaire-version", args=[o.questionnaire_draft.pk]),
            ),
            ("case link", "social_worker", lambda o: reverse("casework:case-link", args=[o.case.pk])),
            ("group add", "social_worker", lambda o: reverse("casework:group-detail", args=[o.group.pk])),
            (
                "group remove",
                "social_worker",
                lambda o: reverse("casework:group-remove", args=[o.group.pk, o.case.pk]),
            ),
            ("cross-border referral", "social_worker", lambda o: reverse("crossborder:refer", args=[o.case.pk])),
            ("cross-border peer", "admin", lambda o: reverse("crossborder:peers")),
        )
    },
    # acting on a group: the action chosen is in the address (the form posts to its page)
    **{
        f"group {key}": (
            "social_worker",
            *same_page(lambda o, key=key: reverse("casework:group-act", args=[o.group.pk]) + f"?action={key}"),
        )
        for key in ("refer", "repatriation_step", "admit")
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
    form = the_form(shown.content.decode(), action=action(world), page_url=page(world), method="post")
    assert form.method == "post" and form.fields, f"{name}: no fields found"

    def posts(data: dict[str, Any]) -> None:
        with transaction.atomic():
            before = footprint()
            response = client.post(action(world), data)
            assert response.status_code < 500
            if not saved(response):  # not saved: the form again (with what went wrong, or blank)
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
    shown = client.get(page(world)).content.decode()
    form = the_form(shown, action=action(world), page_url=page(world), method="post")
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


# --- Every form of the product is fuzzed above, or said here why not -----------------------------
# A new form class fails test_every_form_is_fuzzed_or_said_why_not until it gets a row in FORMS
# (or SEARCHES), or a line here. A class counts as fuzzed when the view behind a FORMS row
# answers a probe POST with a bound form of it (or of a subclass: a base's fields are those
# fuzzed), or, when the probe is accepted, the row's page renders it; or a SEARCHES page does.
OLDER = "an older page's form, not in FORMS yet (the fuzz grew per issue; issue 20's forms are all in)"
NOT_FUZZED = {
    "accounts.admin.UserAddForm": "Django admin (administrators only, Django's own form handling)",
    "casework.admin.FollowUpPolicyForm": "Django admin",
    "notifications.admin.ReminderSettingForm": "Django admin",
    "accounts.two_factor.views.CodeForm": "the second factor at sign-in (a half-signed-in session, not a persona)",
    "accounts.two_factor.views.ResetForm": "the second factor reset at sign-in (a half-signed-in session)",
    "accounts.user_pages.AccountForm": "the base of NewAccountForm",
    "accounts.user_pages.AuditedSetPasswordForm": "Django's own password form (the set-password link)",
    "accounts.user_pages.ForgotForm": "before sign-in (no persona)",
    "accounts.user_pages.NewAccountForm": OLDER,
    "accounts.user_pages.ReasonForm": OLDER,
    "casework.assessment_forms.PublishForm": "no field but a confirmation (the questionnaire's publish button)",
    "casework.attachment_forms.AttachmentDeleteForm": "removes an uploaded file (none in the fuzz world)",
    "casework.attachment_forms.AttachmentForm": "a file upload (multipart), which this fuzz does not generate",
    "casework.forms.AssignForm": OLDER,
    "casework.forms.CadenceForm": OLDER,
    "casework.forms.CaseEditForm": OLDER,
    "casework.forms.DeclineForm": OLDER,
    "casework.forms.FollowUpRecordForm": OLDER,
    "casework.forms.FollowUpRescheduleForm": OLDER,
    "casework.forms.GoalForm": OLDER,
    "casework.forms.OrganisationChoiceForm": "the base of ShareForm and TransferRequestForm",
    "casework.forms.PlanForm": OLDER,
    "casework.forms.PlanReturnForm": OLDER,
    "casework.forms.ReasonForm": "the base of DeclineForm",
    "casework.forms.ServiceStatusForm": OLDER,
    "casework.forms.ShareForm": OLDER,
    "casework.forms.TransferAcceptForm": OLDER,
    "casework.forms.TransferRequestForm": OLDER,
    "casework.repatriation_forms.ResumeForm": "shown only for a repatriation awaiting legal proceedings",
    "casework.screening_forms.InterviewOptInForm": OLDER,
    "casework.screening_forms.ScreeningDecisionForm": OLDER,
    "casework.screening_forms._CardForm": "the base of the screening card's forms",
    "casework.views.manager.EmergencyAccessForm": OLDER,
    "casework.views.manager.KeepClosedForm": OLDER,
    "casework.views.manager.ReturnForm": OLDER,
    "documents.views.PaperSignatureForm": "a signature image or a scan (multipart), which this fuzz does not generate",
    "documents.views.SignatureForm": "a signature image, which this fuzz does not generate",
    "notifications.views.RuleForm": OLDER,
    "referrals.forms.AnswerForm": OLDER,
    "referrals.forms.OverrideDecisionForm": OLDER,
    "referrals.forms.OverrideRequestForm": OLDER,
    "referrals.partner.pages.OrganisationForm": "the base of TokenCreateForm and WebhookForm",
    "referrals.partner.pages.TokenCreateForm": OLDER,
    "referrals.partner.webhook_pages.WebhookForm": OLDER,
    "shelters.forms.AdmissionRequestForm": OLDER,
    "shelters.forms.DeclineForm": OLDER,
    "shelters.forms.MoveBedForm": OLDER,
    "shelters.forms.NonResidentialForm": OLDER,
    "shelters.forms.PlannedDischargeForm": OLDER,
    "crossborder.forms.StepForm": "shown once the partner accepted a transfer; the world's is still referred",
    "crossborder.forms.TextForm": "shown once the partner answered a transfer; the world's is still referred",
    "shelters.imports.views.UploadForm": "a register file (multipart), which this fuzz does not generate",
}


def _product_form_classes() -> dict[str, type]:
    """Every form class defined in the product's apps (tests/test_layering.py's list)."""
    import importlib
    import inspect
    import pkgutil

    from django import forms

    from tests.test_layering import APPS

    found: dict[str, type] = {}
    for app in APPS:
        package = importlib.import_module(app)
        names = [app, *(m.name for m in pkgutil.walk_packages(package.__path__, f"{app}."))]
        for module_name in names:
            if ".migrations" in module_name or ".management" in module_name:
                continue
            module = importlib.import_module(module_name)
            for value in vars(module).values():
                if inspect.isclass(value) and issubclass(value, forms.BaseForm) and value.__module__ == module_name:
                    found[f"{module_name}.{value.__qualname__}"] = value
    return found


def _forms_in(response: Any, *, bound_only: bool) -> set[type]:
    from django import forms

    found: set[type] = set()
    for context in response.context or []:
        for layer in context.dicts:
            for value in layer.values():
                many = (
                    value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else [value]
                )
                for item in many:
                    if isinstance(item, forms.BaseForm) and (item.is_bound or not bound_only):
                        found.add(type(item))
    return found


@pytest.mark.django_db
def test_every_form_is_fuzzed_or_said_why_not(world, client):  # noqa: F811
    fuzzed: set[type] = set()
    for name, (persona, page, action) in FORMS.items():
        client.force_login(getattr(world.people, persona))
        with transaction.atomic():
            shown = client.get(page(world))
            assert shown.status_code == 200, name
            # Not empty: a view that binds `request.POST or None` would leave an empty POST unbound.
            bound = _forms_in(client.post(action(world), {"fuzz-probe": "1"}), bound_only=True)
            # A form whose fields are all optional takes the probe (a redirect, no form): then
            # the forms of its page, which is the form's own page for those.
            fuzzed |= bound or _forms_in(shown, bound_only=False)
            transaction.set_rollback(True)
    for persona, page in SEARCHES.values():
        client.force_login(getattr(world.people, persona))
        fuzzed |= _forms_in(client.get(page(world)), bound_only=False)
    classes = _product_form_classes()
    covered = {name for name, cls in classes.items() if any(issubclass(found, cls) for found in fuzzed)}
    missing = sorted(set(classes) - covered - set(NOT_FUZZED))
    assert not missing, f"forms no fuzz row reaches (add a row to FORMS, or a reason to NOT_FUZZED): {missing}"
    stale = sorted(set(NOT_FUZZED) & covered) + sorted(set(NOT_FUZZED) - set(classes))
    assert not stale, f"NOT_FUZZED lists forms that are fuzzed or gone: {stale}"
