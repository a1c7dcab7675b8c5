"""The referral lifecycle (docs/design/domain.md: Referrals): every allowed move and the refused ones from
each status, who may answer (staff of the receiving organisation or its token, never the
sender), the rows each change leaves, due dates, and two receivers answering at once."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Role, User
from casework.models import CaseEvent, CaseShare
from casework.permissions import view_case
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from referrals import permissions, selectors, services
from referrals.models import Consent, PartnerToken, Referral, ReferralEvent
from tests.concurrency import run_concurrently
from tests.factories import make_user
from tests.permission_checks import assert_predicate_matches_filter
from tests.referrals import adult_case, consent_for, draft_for, sent_for, token_for

pytestmark = pytest.mark.django_db

STATUSES = (
    "draft",
    "sent",
    "acknowledged",
    "accepted",
    "in_progress",
    "completed",
    "declined",
    "closed_without_service",
    "withdrawn",
)
# The way to each status from a sent referral.
PATH = {
    "sent": (),
    "acknowledged": ("acknowledge",),
    "accepted": ("acknowledge", "accept"),
    "in_progress": ("acknowledge", "accept", "start"),
    "completed": ("acknowledge", "accept", "start", "complete"),
    "declined": ("acknowledge", "decline"),
    "closed_without_service": ("acknowledge", "accept", "start", "close"),
    "withdrawn": ("withdraw",),
}
ALLOWED = {
    ("draft", "send"): "sent",
    ("sent", "acknowledge"): "acknowledged",
    ("sent", "accept"): "accepted",  # acknowledgement implied
    ("sent", "decline"): "declined",  # acknowledgement implied
    ("sent", "withdraw"): "withdrawn",
    ("acknowledged", "accept"): "accepted",
    ("acknowledged", "decline"): "declined",
    ("acknowledged", "withdraw"): "withdrawn",
    ("accepted", "start"): "in_progress",
    ("accepted", "close"): "closed_without_service",
    ("accepted", "withdraw"): "withdrawn",
    ("in_progress", "complete"): "completed",
    ("in_progress", "close"): "closed_without_service",
    ("in_progress", "withdraw"): "withdrawn",
}
KIND = {
    "send": "sent",
    "acknowledge": "acknowledged",
    "accept": "accepted",
    "decline": "declined",
    "start": "started",
    "complete": "completed",
    "close": "closed_without_service",
    "withdraw": "withdrawn",
}
ACTIONS = ("send", "acknowledge", "accept", "decline", "start", "complete", "close", "withdraw")


def act(action, referral, ctx, via="token"):
    """Run one lifecycle action as the side that takes it."""
    receiver = {"token": ctx.token} if via == "token" else {"actor": ctx.ngo_worker}
    if action == "send":
        return services.referral_send(actor=ctx.sender, referral=referral)
    if action == "withdraw":
        return services.referral_withdraw(actor=ctx.sender, referral=referral, reason="family found")
    if action == "acknowledge":
        return services.referral_acknowledge(referral=referral, **receiver)
    if action == "accept":
        return services.referral_accept(referral=referral, **receiver)
    if action == "decline":
        return services.referral_decline(referral=referral, reason="no place free", **receiver)
    if action == "start":
        return services.referral_start(referral=referral, **receiver)
    if action == "complete":
        return services.referral_complete(referral=referral, outcome="placed in training", **receiver)
    if action == "close":
        return services.referral_close_without_service(referral=referral, reason="did not arrive", **receiver)
    raise AssertionError(action)


@pytest.fixture
def ctx(people, orgs):
    return SimpleNamespace(
        sender=people.social_worker,
        ngo_worker=make_user("ngo-sw", orgs.ngo, Role.SOCIAL_WORKER),
        token=token_for(orgs.ngo, created_by=people.admin),
        case=adult_case(people.social_worker),
        orgs=orgs,
    )


def referral_in(status, ctx, via="token"):
    if status == "draft":
        consent = consent_for(ctx.sender, ctx.case, ctx.orgs.ngo)
        return draft_for(ctx.sender, ctx.case, ctx.orgs.ngo, consent=consent)
    referral = sent_for(ctx.sender, ctx.case, ctx.orgs.ngo)
    for action in PATH[status]:
        act(action, referral, ctx, via)
    assert referral.status == status
    return referral


# --- The table ---------------------------------------------------------------------------------
@pytest.mark.parametrize("via", ["token", "staff"])
@pytest.mark.parametrize(("start", "action"), sorted(ALLOWED))
def test_every_allowed_move(ctx, start, action, via):
    referral = referral_in(start, ctx, via)
    before = referral.change_seq
    act(action, referral, ctx, via)
    expected = ALLOWED[(start, action)]
    assert referral.status == expected
    assert Referral.objects.get(pk=referral.pk).status == expected
    event = ReferralEvent.objects.filter(referral=referral).last()
    assert (event.kind, event.to_status, event.seq) == (KIND[action], expected, referral.change_seq)
    assert referral.change_seq > before


@pytest.mark.parametrize("status", STATUSES)
def test_every_other_move_is_refused_and_changes_nothing(ctx, status):
    referral = referral_in(status, ctx)
    events = ReferralEvent.objects.count()
    for action in ACTIONS:
        if (status, action) in ALLOWED:
            continue
        with pytest.raises(ApplicationError) as excinfo:
            act(action, referral, ctx)
        if status == "draft" and action not in ("withdraw",):
            assert isinstance(excinfo.value, NotFound), action  # a draft is invisible to the receiver
        else:
            assert type(excinfo.value) is ApplicationError, action
            assert excinfo.value.fields == {"status": ["Not allowed from the current status."]}, action
        assert Referral.objects.get(pk=referral.pk).status == status
    assert ReferralEvent.objects.count() == events


def test_accepting_straight_from_sent_records_the_acknowledgement_too(ctx):
    referral = referral_in("sent", ctx)
    services.referral_accept(referral=referral, token=ctx.token, note="bed ready")
    events = list(ReferralEvent.objects.filter(referral=referral).values_list("kind", "from_status", "to_status"))
    assert events[-2:] == [("acknowledged", "sent", "acknowledged"), ("accepted", "acknowledged", "accepted")]
    kinds = list(CaseEvent.objects.filter(case=ctx.case).order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == ["referral_acknowledged", "referral_accepted"]


def test_declining_needs_a_reason_and_keeps_it(ctx):
    referral = referral_in("acknowledged", ctx)
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_decline(referral=referral, reason="  ", token=ctx.token)
    assert excinfo.value.fields == {"reason": ["This field is required."]}
    services.referral_decline(referral=referral, reason="no place free", token=ctx.token)
    assert Referral.objects.get(pk=referral.pk).decline_reason == "no place free"


def test_completing_needs_an_outcome_and_keeps_it(ctx):
    referral = referral_in("in_progress", ctx)
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_complete(referral=referral, outcome="", token=ctx.token)
    assert excinfo.value.fields == {"outcome": ["This field is required."]}
    services.referral_complete(referral=referral, outcome="finished the course", token=ctx.token)
    assert Referral.objects.get(pk=referral.pk).outcome == "finished the course"


def test_closing_without_service_and_withdrawing_need_a_reason(ctx):
    referral = referral_in("accepted", ctx)
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_close_without_service(referral=referral, reason="", token=ctx.token)
    assert set(excinfo.value.fields) == {"reason"}
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_withdraw(actor=ctx.sender, referral=referral, reason=" ")
    assert set(excinfo.value.fields) == {"reason"}
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


# --- Who answers -------------------------------------------------------------------------------
def test_a_token_of_another_organisation_finds_nothing(ctx, people, orgs):
    referral = referral_in("sent", ctx)
    stranger = token_for(orgs.ngo_other, created_by=people.admin)
    with pytest.raises(NotFound):
        services.referral_acknowledge(referral=referral, token=stranger)
    with pytest.raises(NotFound):
        services.referral_add_note(referral=referral, note="hello", token=stranger)


def test_a_revoked_or_expired_token_is_refused(ctx, people, orgs):
    referral = referral_in("sent", ctx)
    now = timezone.now()
    revoked = token_for(orgs.ngo, created_by=people.admin, revoked_at=now)
    expired = token_for(orgs.ngo, created_by=people.admin, expires_at=now - timedelta(minutes=1))
    for token in (revoked, expired):
        with pytest.raises(PermissionDenied):
            services.referral_accept(referral=referral, token=token)
        assert not permissions.referrals_for_token(token).exists()
    assert list(permissions.referrals_for_token(ctx.token)) == [referral]
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_a_token_never_sees_a_draft(ctx):
    draft = referral_in("draft", ctx)
    assert not permissions.referrals_for_token(ctx.token).exists()
    with pytest.raises(NotFound):
        services.referral_acknowledge(referral=draft, token=ctx.token)


def test_exactly_one_of_actor_and_token(ctx):
    referral = referral_in("sent", ctx)
    with pytest.raises(ApplicationError):
        services.referral_acknowledge(referral=referral, token=ctx.token, actor=ctx.ngo_worker)
    with pytest.raises(ApplicationError):
        services.referral_acknowledge(referral=referral)
    with pytest.raises(ApplicationError):
        services.referral_add_note(referral=referral, note="hi")


def test_staff_of_the_receiving_organisation_answer(ctx, people, orgs):
    """The LWU counsellor answers for LWU; the NGO's social worker would not see this one."""
    consent = consent_for(ctx.sender, ctx.case, orgs.lwu)
    referral = sent_for(ctx.sender, ctx.case, orgs.lwu, consent=consent)
    services.referral_accept(referral=referral, actor=people.counsellor)
    assert referral.status == "accepted"
    with pytest.raises(NotFound):
        services.referral_start(referral=referral, actor=ctx.ngo_worker)


def test_the_sending_side_cannot_answer_its_own_referral(ctx, people, orgs):
    referral = referral_in("sent", ctx)
    colleague = make_user("sw-colleague", orgs.mlsw_vt, Role.SOCIAL_WORKER)
    for persona in (people.social_worker, people.manager, colleague):
        with pytest.raises(PermissionDenied):
            services.referral_accept(referral=referral, actor=persona)
    for persona in (people.outsider, people.partner, people.police, people.admin, people.statistician):
        with pytest.raises(NotFound):
            services.referral_accept(referral=referral, actor=persona)
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_the_receiver_cannot_withdraw_or_send(ctx):
    referral = referral_in("sent", ctx)
    with pytest.raises(PermissionDenied):
        services.referral_withdraw(actor=ctx.ngo_worker, referral=referral, reason="not ours")


def test_the_partner_role_user_is_not_staff(ctx, people):
    """people.partner is the NGO's API client account: it acts through a token, not as staff."""
    referral = referral_in("sent", ctx)
    assert not permissions.view_referral.allows(people.partner, referral)
    assert not selectors.inbox(user=people.partner).exists()


# --- The rows each change leaves ---------------------------------------------------------------
def test_a_staff_change_leaves_a_timeline_row_an_audit_row_and_an_event(ctx):
    referral = referral_in("sent", ctx)
    services.referral_acknowledge(referral=referral, actor=ctx.ngo_worker)
    event = ReferralEvent.objects.filter(referral=referral).last()
    assert (event.kind, event.actor, event.token, event.organisation) == (
        "acknowledged",
        ctx.ngo_worker,
        None,
        ctx.orgs.ngo,
    )
    timeline = CaseEvent.objects.filter(case=ctx.case, kind="referral_acknowledged").get()
    assert timeline.actor == ctx.ngo_worker
    assert timeline.data == {"referral": str(referral.pk), "status": "acknowledged"}
    audit = AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(referral.pk)).first()
    assert (audit.actor, audit.organisation, audit.fields) == (ctx.ngo_worker, ctx.orgs.ngo, ["status"])


def test_a_token_change_is_audited_with_the_token_prefix(ctx):
    referral = referral_in("acknowledged", ctx)
    services.referral_decline(referral=referral, reason="Noy's village is too far", token=ctx.token)
    event = ReferralEvent.objects.filter(referral=referral).last()
    assert (event.actor, event.token, event.organisation, event.note) == (
        None,
        ctx.token,
        ctx.orgs.ngo,
        "Noy's village is too far",
    )
    audit = AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(referral.pk)).first()
    assert (audit.actor, audit.reason) == (None, f"partner token {ctx.token.prefix}")
    timeline = CaseEvent.objects.filter(case=ctx.case, kind="referral_declined").get()
    assert timeline.actor is None
    assert timeline.data == {"referral": str(referral.pk), "status": "declined", "via": "partner_api", "by": "t-ngo"}


def test_no_reason_or_note_text_reaches_the_timeline(ctx):
    referral = referral_in("sent", ctx)
    services.referral_add_note(referral=referral, note="Noy arrives by bus", actor=ctx.sender)
    services.referral_decline(referral=referral, reason="Noy is too old for us", token=ctx.token)
    assert "Noy" not in str(list(CaseEvent.objects.filter(case=ctx.case).values_list("data", flat=True)))
    assert "Noy" not in str(list(AuditEvent.objects.values_list("fields", "reason")))


def test_event_numbers_grow_with_every_change(ctx):
    referral = referral_in("completed", ctx)
    seqs = list(ReferralEvent.objects.filter(referral=referral).values_list("seq", flat=True))
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) == 6  # created, sent, then four moves
    assert Referral.objects.get(pk=referral.pk).change_seq == seqs[-1]


# --- Sending -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("urgency", "acknowledge", "answer"),
    [
        ("emergency", timedelta(hours=24), timedelta(days=2)),
        ("high", timedelta(days=3), timedelta(days=7)),
        ("routine", timedelta(days=3), timedelta(days=7)),
    ],
)
def test_due_dates_follow_the_urgency(ctx, urgency, acknowledge, answer):
    before = timezone.now()
    referral = sent_for(ctx.sender, ctx.case, ctx.orgs.ngo, urgency=urgency)
    assert before <= referral.sent_at <= timezone.now()
    assert referral.acknowledge_due_at - referral.sent_at == acknowledge
    assert referral.answer_due_at - referral.sent_at == answer


def test_a_deployment_can_change_the_due_dates(ctx, settings):
    settings.REFERRAL_DUE_WITHIN = {"routine": (timedelta(hours=5), timedelta(hours=10))}
    referral = sent_for(ctx.sender, ctx.case, ctx.orgs.ngo)
    assert referral.answer_due_at - referral.sent_at == timedelta(hours=10)
    emergency = sent_for(ctx.sender, ctx.case, ctx.orgs.ngo, urgency="emergency")
    assert emergency.acknowledge_due_at - emergency.sent_at == timedelta(hours=24)


def test_sending_shares_no_case(ctx):
    referral_in("accepted", ctx)
    assert not CaseShare.objects.exists()
    assert not view_case.allows(ctx.ngo_worker, ctx.case)


def test_a_draft_can_be_changed_until_it_is_sent(ctx):
    draft = referral_in("draft", ctx)
    services.referral_update_draft(actor=ctx.sender, referral=draft, urgency="high", reason="  urgent  ")
    assert (draft.urgency, draft.reason) == ("high", "urgent")
    services.referral_send(actor=ctx.sender, referral=draft)
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_update_draft(actor=ctx.sender, referral=draft, urgency="routine")
    assert set(excinfo.value.fields) == {"status"}
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_update_draft(actor=ctx.sender, referral=draft, status="completed")
    assert set(excinfo.value.fields) == {"status"}


def test_a_referral_goes_to_another_organisation_with_what_it_needs(ctx, people):
    with pytest.raises(ApplicationError) as excinfo:
        draft_for(ctx.sender, ctx.case, ctx.orgs.mlsw_vt)
    assert set(excinfo.value.fields) == {"to_organisation"}
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_create(
            actor=ctx.sender,
            case=ctx.case,
            to_organisation=ctx.orgs.ngo,
            service_types=[],
            urgency="whenever",
            reason="",
            shared_categories=["identity", "favourite_colour"],
        )
    assert set(excinfo.value.fields) == {"service_types", "urgency", "reason", "shared_categories"}
    with pytest.raises(NotFound):
        draft_for(people.outsider, ctx.case, ctx.orgs.ngo)
    with pytest.raises(PermissionDenied):
        draft_for(people.manager, ctx.case, ctx.orgs.ngo)
    assert not Referral.objects.exists()


# --- Notes -------------------------------------------------------------------------------------
def test_either_side_writes_notes_on_a_sent_referral(ctx, people):
    referral = referral_in("accepted", ctx)
    before = Referral.objects.get(pk=referral.pk)
    services.referral_add_note(referral=referral, note="arrives Monday", actor=ctx.sender)
    services.referral_add_note(referral=referral, note="room ready", token=ctx.token)
    services.referral_add_note(referral=referral, note="interpreter booked", actor=ctx.ngo_worker)
    notes = ReferralEvent.objects.filter(referral=referral, kind="note")
    assert [(n.note, n.from_status, n.to_status) for n in notes] == [
        ("arrives Monday", "", ""),
        ("room ready", "", ""),
        ("interpreter booked", "", ""),
    ]
    after = Referral.objects.get(pk=referral.pk)
    assert after.status == before.status and after.change_seq > before.change_seq
    with pytest.raises(NotFound):
        services.referral_add_note(referral=referral, note="hello", actor=people.outsider)


def test_no_notes_on_a_draft(ctx):
    draft = referral_in("draft", ctx)
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_add_note(referral=draft, note="hello", actor=ctx.sender)
    assert set(excinfo.value.fields) == {"status"}


# --- Scoping -----------------------------------------------------------------------------------
def test_predicates_and_filters_agree_for_every_persona(ctx, people, orgs):
    other_case = adult_case(people.outsider)
    referrals = [
        referral_in("draft", ctx),
        referral_in("sent", ctx),
        referral_in("completed", ctx),
        sent_for(ctx.sender, ctx.case, orgs.lwu),
        sent_for(people.outsider, other_case, orgs.ngo),
    ]
    users = [*people.all, ctx.ngo_worker]
    for permission in (permissions.view_referral, permissions.send_referral, permissions.answer_referral):
        assert_predicate_matches_filter(permission, users, referrals)
    assert_predicate_matches_filter(permissions.view_consent, users, Consent.objects.all())
    assert_predicate_matches_filter(permissions.view_partner_token, users, PartnerToken.objects.all())


def test_the_inbox_and_the_case_list(ctx, people):
    draft = referral_in("draft", ctx)
    sent = referral_in("sent", ctx)
    assert list(selectors.inbox(user=ctx.ngo_worker)) == [sent]
    assert list(selectors.inbox(user=ctx.ngo_worker, status="accepted")) == []
    assert set(selectors.case_referrals(user=ctx.sender, case=ctx.case)) == {draft, sent}
    assert set(selectors.case_referrals(user=ctx.ngo_worker, case=ctx.case)) == {sent}
    assert list(selectors.case_referrals(user=people.outsider, case=ctx.case)) == []


# --- Two receivers at once -----------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("start", ["sent", "acknowledged"])
def test_accept_and_decline_at_once_one_wins_the_others_get_a_conflict(people, orgs, start):
    sender = people.social_worker
    case = adult_case(sender)
    referral = sent_for(sender, case, orgs.ngo)
    worker = make_user("ngo-sw", orgs.ngo, Role.SOCIAL_WORKER)
    token = token_for(orgs.ngo, created_by=people.admin)
    if start == "acknowledged":
        services.referral_acknowledge(referral=referral, token=token)
    writers = 6

    def prepare(index):
        who = {"token": PartnerToken.objects.select_related("organisation").get(pk=token.pk)}
        if index % 3 == 0:
            who = {"actor": User.objects.get(pk=worker.pk)}
        return index, Referral.objects.get(pk=referral.pk), who

    def answer(prepared):
        index, fresh, who = prepared
        if index % 2:
            return services.referral_accept(referral=fresh, **who)
        return services.referral_decline(referral=fresh, reason="full", **who)

    outcomes = run_concurrently(writers, prepare, answer)
    won = [outcome for outcome in outcomes if isinstance(outcome, Referral)]
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, Conflict)]
    assert (len(won), len(conflicts)) == (1, writers - 1), outcomes
    final = Referral.objects.get(pk=referral.pk)
    assert final.status == won[0].status in ("accepted", "declined")
    answers = ReferralEvent.objects.filter(referral=referral, kind__in=["accepted", "declined"])
    assert answers.count() == 1
    assert ReferralEvent.objects.filter(referral=referral, kind="acknowledged").count() == 1


@pytest.mark.django_db(transaction=True)
def test_notes_written_while_the_referral_moves_never_deadlock(people, orgs):
    """A note takes the referral's row lock before the stream lock, as a status move does; the
    other order would let a note and an answer wait for each other."""
    sender = people.social_worker
    case = adult_case(sender)
    referral = sent_for(sender, case, orgs.ngo)
    token = token_for(orgs.ngo, created_by=people.admin)
    writers = 12

    def prepare(index):
        return index, Referral.objects.get(pk=referral.pk), PartnerToken.objects.get(pk=token.pk)

    def write(prepared):
        index, fresh, own_token = prepared
        if index == 0:
            return services.referral_accept(referral=fresh, token=own_token)
        if index % 2:
            return services.referral_add_note(referral=fresh, note=f"note {index}", token=own_token)
        return services.referral_add_note(referral=fresh, note=f"note {index}", actor=User.objects.get(pk=sender.pk))

    outcomes = run_concurrently(writers, prepare, write)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    assert ReferralEvent.objects.filter(referral=referral, kind="note").count() == writers - 1


# --- Admin ---------------------------------------------------------------------------------------
def test_the_admin_shows_referrals_only_to_case_staff_and_tokens_without_digest(ctx, people, client):
    referral = referral_in("sent", ctx)
    code = ctx.case.person.case_code
    User.objects.filter(pk__in=[people.admin.pk, ctx.sender.pk]).update(is_staff=True)

    client.force_login(User.objects.get(pk=people.admin.pk))
    page = client.get("/admin/referrals/referral/")
    assert page.status_code == 200 and code not in page.content.decode()
    assert client.get(f"/admin/referrals/referral/{referral.pk}/change/").status_code in (302, 404)
    tokens = client.get("/admin/referrals/partnertoken/").content.decode()
    assert ctx.token.prefix in tokens and ctx.token.digest not in tokens
    detail = client.get(f"/admin/referrals/partnertoken/{ctx.token.pk}/change/").content.decode()
    assert ctx.token.prefix in detail and ctx.token.digest not in detail
    assert client.get("/admin/referrals/partnertoken/add/").status_code == 403

    client.force_login(User.objects.get(pk=ctx.sender.pk))
    assert code in client.get("/admin/referrals/referral/").content.decode()
    assert client.get(f"/admin/referrals/referral/{referral.pk}/change/").status_code == 200
    assert code in client.get("/admin/referrals/consent/").content.decode()
    assert client.get("/admin/referrals/partnertoken/").status_code == 403
