"""The change stream partners pull (referrals.changes, selectors.partner_referrals): a partner
that asks for "everything after the last number I saw" gets every changed referral exactly once
and never loses one, whatever the order in which writers' transactions commit."""

import random
import threading
import time
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from core.errors import ApplicationError
from referrals import selectors, services
from referrals.models import PartnerToken, Referral, ReferralEvent
from tests.concurrency import run_concurrently
from tests.referrals import adult_case, consent_for, draft_for, sent_for, token_for

PAGE = 2  # small pages, so that a round takes several pulls


def pull_round(organisation, after):
    """Pull pages until one comes back empty; returns the referrals in order and the new mark."""
    seen = []
    for _ in range(1000):  # a mark that does not advance would loop for ever: fail instead
        page = list(selectors.partner_referrals(organisation=organisation, after_seq=after)[:PAGE])
        if not page:
            return seen, after
        seen.extend(page)
        after = page[-1].change_seq
    raise AssertionError("the pull never ran dry")


# --- Interleaved writes and pulls ------------------------------------------------------------------
WORLD = SimpleNamespace()
ACTIONS = st.sampled_from(
    ["send", "acknowledge", "accept", "decline", "start", "complete", "withdraw", "note", "partner_note"]
)


class PartnerPulls(RuleBasedStateMachine):
    """Random writes by both sides on referrals to two partner organisations, each followed by
    a pull round per partner. Each example runs in a savepoint that is rolled back after it."""

    referrals = Bundle("referrals")

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.partners = [WORLD.orgs.ngo, WORLD.orgs.ngo_other]
        self.tokens = {org.pk: token_for(org, created_by=WORLD.people.admin) for org in self.partners}
        self.case = adult_case(WORLD.people.social_worker)
        self.consents = {org.pk: self.new_consent(org) for org in self.partners}
        self.mark = {org.pk: None for org in self.partners}
        self.mirror = {org.pk: {} for org in self.partners}  # what each partner has pulled
        self.moved = {org.pk: set() for org in self.partners}  # changed since its last pull

    def new_consent(self, org):
        return consent_for(WORLD.people.social_worker, self.case, org, requested=("shelter", "legal_aid"))

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @rule(target=referrals, partner=st.integers(0, 1), urgency=st.sampled_from(["emergency", "routine"]))
    def new_referral(self, partner, urgency):
        org = self.partners[partner]
        referral = draft_for(WORLD.people.social_worker, self.case, org, consent=self.consents[org.pk], urgency=urgency)
        self.pull_and_check()  # a draft is nobody's business: nothing moves
        return referral.pk

    @rule(partner=st.integers(0, 1), count=st.integers(2, 5))
    def send_several(self, partner, count):
        """Several referrals sent between two polls: the round spans several pages."""
        org = self.partners[partner]
        for _ in range(count):
            draft = draft_for(WORLD.people.social_worker, self.case, org, consent=self.consents[org.pk])
            services.referral_send(actor=WORLD.people.social_worker, referral=draft)
            self.moved[org.pk].add(draft.pk)
        self.pull_and_check()

    @rule(referral_id=referrals, action=ACTIONS)
    def write(self, referral_id, action):
        self.apply(referral_id, action)
        self.pull_and_check()

    @rule(writes=st.lists(st.tuples(referrals, ACTIONS), min_size=2, max_size=6))
    def burst(self, writes):
        """Writes by several people between two polls of the partners."""
        for referral_id, action in writes:
            self.apply(referral_id, action)
        self.pull_and_check()

    def apply(self, referral_id, action):
        referral = Referral.objects.get(pk=referral_id)
        before = (referral.status, referral.change_seq)
        token = self.tokens[referral.to_organisation_id]
        sender = WORLD.people.social_worker
        calls = {
            "send": lambda: services.referral_send(actor=sender, referral=referral),
            "acknowledge": lambda: services.referral_acknowledge(referral=referral, token=token),
            "accept": lambda: services.referral_accept(referral=referral, token=token),
            "decline": lambda: services.referral_decline(referral=referral, reason="full", token=token),
            "start": lambda: services.referral_start(referral=referral, token=token),
            "complete": lambda: services.referral_complete(referral=referral, outcome="done", token=token),
            "withdraw": lambda: services.referral_withdraw(actor=sender, referral=referral, reason="not needed"),
            "note": lambda: services.referral_add_note(referral=referral, note="from the sender", actor=sender),
            "partner_note": lambda: services.referral_add_note(referral=referral, note="from us", token=token),
        }
        try:
            calls[action]()
        except ApplicationError:
            stored = Referral.objects.get(pk=referral_id)
            assert (stored.status, stored.change_seq) == before, "a refused write must change nothing"
        else:
            stored = Referral.objects.get(pk=referral_id)
            assert stored.change_seq > before[1]
            if stored.status != "draft":
                self.moved[stored.to_organisation_id].add(stored.pk)

    @rule(partner=st.integers(0, 1))
    def withdraw_consent(self, partner):
        """Moves every sent referral under that consent at once, in one transaction."""
        org = self.partners[partner]
        consent = self.consents[org.pk]
        affected = set(Referral.objects.filter(consent=consent).exclude(status="draft").values_list("pk", flat=True))
        services.consent_withdraw(actor=WORLD.people.social_worker, consent=consent)
        self.moved[org.pk] |= affected
        self.consents[org.pk] = self.new_consent(org)
        for draft in Referral.objects.filter(consent=consent, status="draft"):
            services.referral_update_draft(
                actor=WORLD.people.social_worker, referral=draft, consent=self.consents[org.pk]
            )
        self.pull_and_check()

    def pull_and_check(self):
        for org in self.partners:
            seen, self.mark[org.pk] = pull_round(org, self.mark[org.pk])
            ids = [referral.pk for referral in seen]
            assert len(ids) == len(set(ids)), "a referral came twice in one round"
            assert set(ids) == self.moved[org.pk], "the round must bring exactly the referrals that moved"
            assert all(referral.to_organisation_id == org.pk and referral.status != "draft" for referral in seen)
            for referral in seen:
                self.mirror[org.pk][referral.pk] = (referral.status, referral.change_seq)
            self.moved[org.pk] = set()

    @invariant()
    def partners_hold_what_the_database_holds(self):
        for org in self.partners:
            stored = Referral.objects.filter(to_organisation=org).exclude(status="draft")
            assert self.mirror[org.pk] == {r.pk: (r.status, r.change_seq) for r in stored}


@pytest.mark.slow  # 400 stateful steps: twenty seconds
@pytest.mark.django_db
def test_incremental_pulls_see_every_change_exactly_once(people, orgs):
    WORLD.people, WORLD.orgs = people, orgs
    run_state_machine_as_test(
        PartnerPulls,
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# --- Real transactions ---------------------------------------------------------------------------
def backend_wait(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_numbers_become_visible_in_the_order_they_were_taken(people, orgs):
    """Writers on different referrals hold their transactions open for random times after
    taking a number; a reader polling meanwhile must only ever see a prefix of the numbers."""
    sender = people.social_worker
    case = adult_case(sender)
    consent = consent_for(sender, case, orgs.ngo)
    referral_ids = [sent_for(sender, case, orgs.ngo, consent=consent).pk for _ in range(8)]
    token = token_for(orgs.ngo, created_by=people.admin)
    stop = threading.Event()
    snapshots = []

    def reader():
        try:
            while not stop.is_set():
                snapshots.append(
                    list(
                        ReferralEvent.objects.filter(referral_id__in=referral_ids, kind="note")
                        .order_by("seq")
                        .values_list("seq", flat=True)
                    )
                )
        finally:
            connection.close()

    def prepare(index):
        return Referral.objects.get(pk=referral_ids[index]), PartnerToken.objects.get(pk=token.pk)

    def write(prepared):
        referral, own_token = prepared
        with transaction.atomic():
            event = services.referral_add_note(referral=referral, note="hello", token=own_token)
            time.sleep(random.uniform(0, 0.05))
        return event.seq

    watcher = threading.Thread(target=reader)
    watcher.start()
    outcomes = run_concurrently(len(referral_ids), prepare, write)
    stop.set()
    watcher.join(timeout=30)
    assert all(isinstance(seq, int) for seq in outcomes), outcomes
    final = sorted(outcomes)
    assert len(snapshots) > 1
    for visible in snapshots:
        if visible:
            assert visible == [seq for seq in final if seq <= visible[-1]], (visible, final)
    assert list(ReferralEvent.objects.filter(kind="note").order_by("seq").values_list("seq", flat=True)) == final


@pytest.mark.django_db(transaction=True)
def test_a_pull_between_two_commits_never_loses_the_writer_that_numbered_first(people, orgs):
    """Writer A takes a number and keeps its transaction open; writer B starts later. Were B to
    take a higher number and commit first, a pull in between would move the partner's mark past
    A's number and A's change would never be pulled. The stream's lock makes B wait for A; the
    test gives B every chance to commit first and checks that no pull loses anything."""
    sender = people.social_worker
    case = adult_case(sender)
    first = sent_for(sender, case, orgs.ngo)
    second = sent_for(sender, case, orgs.ngo)
    token = token_for(orgs.ngo, created_by=people.admin)
    mark = max(first.change_seq, second.change_seq)
    gates = SimpleNamespace(
        a_numbered=threading.Event(),
        a_release=threading.Event(),
        b_numbered=threading.Event(),
        b_release=threading.Event(),
    )
    results, pids = {}, {}

    def writer(name, referral_id, numbered, release):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids[name] = cursor.fetchone()[0]
            fresh = Referral.objects.get(pk=referral_id)
            own_token = PartnerToken.objects.get(pk=token.pk)
            with transaction.atomic():
                results[name] = services.referral_add_note(referral=fresh, note=name, token=own_token).seq
                numbered.set()
                assert release.wait(timeout=30)
        except Exception as error:  # reported below
            results[name] = error
        finally:
            connection.close()

    a = threading.Thread(target=writer, args=("a", first.pk, gates.a_numbered, gates.a_release))
    b = threading.Thread(target=writer, args=("b", second.pk, gates.b_numbered, gates.b_release))
    a.start()
    assert gates.a_numbered.wait(timeout=30)
    b.start()
    deadline = time.monotonic() + 10
    while not gates.b_numbered.is_set() and time.monotonic() < deadline:
        if "b" in pids and backend_wait(pids["b"]) == ("Lock", "advisory"):
            break
        time.sleep(0.01)
    b_waited_for_the_lock = not gates.b_numbered.is_set()
    if gates.b_numbered.is_set():  # B was not held back: let it commit first, the dangerous order
        gates.b_release.set()
        b.join(timeout=30)

    pulled = []
    seen, mark = pull_round(orgs.ngo, mark)  # A is still open
    pulled += seen
    gates.a_release.set()
    a.join(timeout=30)
    if b.is_alive():
        assert gates.b_numbered.wait(timeout=30)
        seen, mark = pull_round(orgs.ngo, mark)  # between A's commit and B's
        pulled += seen
        gates.b_release.set()
        b.join(timeout=30)
    seen, mark = pull_round(orgs.ngo, mark)
    pulled += seen

    assert isinstance(results["a"], int) and isinstance(results["b"], int), results
    assert {referral.pk for referral in pulled} == {first.pk, second.pk}, "a committed change was never pulled"
    assert b_waited_for_the_lock and results["a"] < results["b"]
    assert [referral.pk for referral in pulled] == [first.pk, second.pk]


# --- What the stream shows a partner ---------------------------------------------------------------
@pytest.mark.django_db
def test_partner_events_leave_out_the_draft_and_other_partners(people, orgs):
    sender = people.social_worker
    case = adult_case(sender)
    token = token_for(orgs.ngo, created_by=people.admin)
    draft = draft_for(sender, case, orgs.ngo, consent=consent_for(sender, case, orgs.ngo))
    services.referral_update_draft(actor=sender, referral=draft, urgency="high")
    services.referral_send(actor=sender, referral=draft)
    services.referral_add_note(referral=draft, note="see you", token=token)
    sent_for(sender, case, orgs.ngo_other)
    events = list(selectors.partner_events(organisation=orgs.ngo))
    assert [(event.kind, event.note) for event in events] == [("sent", ""), ("note", "see you")]
    assert list(selectors.partner_events(organisation=orgs.ngo, after_seq=events[0].seq)) == [events[1]]
    assert [event.seq for event in events] == sorted(event.seq for event in events)


@pytest.mark.django_db
def test_partner_referrals_filter_by_status_and_service(people, orgs):
    sender = people.social_worker
    case = adult_case(sender)
    token = token_for(orgs.ngo, created_by=people.admin)
    shelter = sent_for(sender, case, orgs.ngo)
    legal = sent_for(sender, case, orgs.ngo, requested=("legal_aid",))
    services.referral_accept(referral=legal, token=token)
    draft_for(sender, case, orgs.ngo)
    assert list(selectors.partner_referrals(organisation=orgs.ngo)) == [shelter, legal]
    assert list(selectors.partner_referrals(organisation=orgs.ngo, status="accepted")) == [legal]
    assert list(selectors.partner_referrals(organisation=orgs.ngo, service="shelter")) == [shelter]
    assert list(selectors.partner_referrals(organisation=orgs.ngo, after_seq=shelter.change_seq)) == [legal]
    assert list(selectors.partner_referrals(organisation=orgs.ngo_other)) == []
