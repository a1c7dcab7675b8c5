"""core.permissions.Permission.require (the one 404/403 gate), core.validation.required_text and
the audit rows of each kind of actor (core.actors)."""

from __future__ import annotations

import pytest

from accounts.models import AuditAction, AuditEvent, Organisation
from accounts.services import audit_record, audit_record_many
from core.actors import SYSTEM
from core.errors import ApplicationError, NotFound, PermissionDenied
from core.permissions import EVERYTHING, NOTHING, Permission
from core.validation import required_text
from referrals.partner.tokens import token_issue

pytestmark = pytest.mark.django_db

SEEN = Permission("test.see", Organisation, predicate=lambda user, org: True, filter=lambda user: EVERYTHING)
UNSEEN = Permission("test.hidden", Organisation, predicate=lambda user, org: False, filter=lambda user: NOTHING)


def test_require_passes_what_the_permission_allows(people, orgs):
    SEEN.require(people.social_worker, orgs.ngo, "no")


def test_require_answers_403_with_the_message_when_the_object_is_seen(people, orgs):
    with pytest.raises(PermissionDenied, match="You may not"):
        UNSEEN.require(people.social_worker, orgs.ngo, "You may not", seen=SEEN)
    with pytest.raises(PermissionDenied):  # no `seen`: a public object, always 403
        UNSEEN.require(people.social_worker, orgs.ngo, "You may not")


def test_require_answers_404_when_the_object_is_not_seen(people, orgs):
    with pytest.raises(NotFound) as refusal:
        UNSEEN.require(people.social_worker, orgs.ngo, "You may not", seen=UNSEEN)
    assert "You may not" not in refusal.value.message  # an outsider learns nothing


def test_require_asks_seen_of_the_object_it_is_given(people, orgs):
    hidden_org = Permission(
        "test.org", Organisation, predicate=lambda u, org: org.pk != orgs.ngo.pk, filter=lambda u: EVERYTHING
    )
    with pytest.raises(PermissionDenied):
        UNSEEN.require(people.social_worker, orgs.lwu, "no", seen=hidden_org, seen_obj=orgs.police)
    with pytest.raises(NotFound):
        UNSEEN.require(people.social_worker, orgs.lwu, "no", seen=hidden_org, seen_obj=orgs.ngo)


def test_required_text_strips_and_refuses_blanks():
    assert required_text("  why  ", field="reason", message="Say why.") == "why"
    with pytest.raises(ApplicationError) as refusal:
        required_text(" \n", field="reason", message="Say why.")
    assert refusal.value.message == "Say why."
    assert list(refusal.value.fields) == ["reason"]


def test_audit_rows_name_each_kind_of_actor(people, orgs):
    token, _plaintext = token_issue(actor=people.admin, organisation=orgs.ngo, name="their system")
    staff = audit_record(actor=people.manager, action=AuditAction.VIEW, obj=orgs.lwu)
    system = audit_record(actor=SYSTEM, action=AuditAction.UPDATE, obj=orgs.lwu, reason="consent expired")
    partner = audit_record_many(
        actor=token, action=AuditAction.VIEW, object_type="referrals.referral", object_ids=["x"], reason="refused 404"
    )[0]
    rows = {row.pk: row for row in AuditEvent.objects.filter(pk__in=[staff.pk, system.pk, partner.pk])}
    assert (rows[staff.pk].actor_id, rows[staff.pk].organisation_id) == (people.manager.pk, orgs.mlsw_vt.pk)
    assert (rows[system.pk].actor_id, rows[system.pk].organisation_id, rows[system.pk].reason) == (
        None,
        None,
        "consent expired",
    )
    assert (rows[partner.pk].actor_id, rows[partner.pk].organisation_id) == (None, orgs.ngo.pk)
    assert rows[partner.pk].reason == f"partner token {token.prefix}: refused 404"
    assert (rows[partner.pk].object_type, rows[partner.pk].object_id) == ("referrals.referral", "x")
