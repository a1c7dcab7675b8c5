"""Shared fixtures: reference data, the personas every access test walks through
(tests.factories.make_people), a case, and data shared by the tests of one module (`module_db`)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import TransactionTestCase
from django.utils import translation
from rest_framework.test import APIClient

from casework.models import Case, CaseCodeCounter
from seeds.reference import load_reference
from tests import snapshot
from tests.attachments import attachment_storage, moto_endpoint  # noqa: F401  # fixtures: the attachment storage backends
from tests.factories import (
    SYNTHETIC_GIRL,
    make_orgs,
    make_people,
    open_case,
    orgs_from_database,
    people_from_database,
)

LAYERED: dict[str, object] = {}  # the primary keys of what the layers hold


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        # Empty first: rows that an interrupted transactional test committed would otherwise end
        # up in the snapshot (no migration inserts rows of its own, so empty + post_migrate +
        # reference data is the clean state).
        call_command("flush", interactive=False, verbosity=0)
        load_reference()
        snapshot.take()
        # The personas, built once through the services and kept as layers over the snapshot:
        # `orgs` and `people` put their rows back in a few statements instead of 160 queries.
        orgs = make_orgs()
        snapshot.take_layer("orgs", below=[])
        people = make_people(orgs)
        snapshot.take_layer("people", below=["orgs"])
        LAYERED["case"] = open_case(people.social_worker, person_values=SYNTHETIC_GIRL).pk
        snapshot.take_layer("case", below=["orgs", "people"])
        snapshot.restore()


@pytest.fixture(scope="session", autouse=True)
def transactional_teardown_puts_the_snapshot_back():  # type: ignore[no-untyped-def]
    """A transactional test (pytest-django runs it as Django's TransactionTestCase) ends with
    the database as the session set it up: the snapshot's rows and nothing else. Django's
    teardown, a flush, truncates every table (half a second: new files for each table and
    index) and leaves the reference data out, so every later test on the worker copied it back
    inside its own transaction, rolled back with it (0.4 s a test)."""

    def teardown(case: TransactionTestCase) -> None:
        snapshot.restore()  # the one database (a read replica is the primary's mirror in tests)

    flush = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = teardown  # type: ignore[method-assign]
    yield
    TransactionTestCase._fixture_teardown = flush  # type: ignore[method-assign]


@pytest.fixture
def reference(db):  # type: ignore[no-untyped-def]
    """Reference data: always in the database between tests (the session loads it, and every
    transactional test ends by putting the snapshot back); a test names it to say it reads it."""


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """A transaction open for the whole module, for data that is expensive to build (the access
    matrix's world, the generated data set): a module-scoped fixture that takes `module_db` builds
    its rows once, every test of the module sees them (each in its own savepoint, rolled back
    after it), and the end of the module rolls them back. The module's other tests run before the
    ones that use it (pytest_collection_modifyitems below), so none of them sees the rows."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield django_db_blocker
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="session")
def world_layer(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The world, built through the services once per test process (about half a minute) and
    kept as a snapshot layer; the database is then put back as the session set it up. Seven
    modules read the world: each gets its rows back with a few `INSERT ... SELECT`."""
    with django_db_blocker.unblock():
        from tests.test_access_matrix import build_world  # the matrix module holds what the world is

        orgs = make_orgs()
        built = build_world(make_people(orgs), orgs)
        snapshot.take_layer("world", below=[])
        snapshot.restore()
    return built


# The modules that hold a worker longest (`--durations=0`, docs/development.md), handed out first.
LONGEST_FIRST = (
    "tests/test_access_matrix.py",
    "tests/test_form_fuzz.py",
    "tests/crossborder/test_two_instances.py",
    "tests/browser/test_accessibility.py",
    "tests/test_demo_generator.py",
    "tests/test_load_smoke.py",
)


@pytest.hookimpl(trylast=True)  # after tests/browser/conftest.py has marked its tests slow
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Module order, for xdist (`pathway test` runs `--dist loadfile --no-loadscope-reorder`, which
    hands modules out in this order): the longest first, then the other slow modules, then the
    rest by number of tests, so that the short modules fill the end evenly instead of one worker
    finishing a long module alone. In each module, the tests that use `module_db` data run after
    the module's other tests."""

    def module(item: pytest.Item) -> str:
        return item.nodeid.split("::")[0]

    sizes: dict[str, int] = {}
    slow: set[str] = set()
    for item in items:
        sizes[module(item)] = sizes.get(module(item), 0) + 1
        if item.get_closest_marker("slow"):
            slow.add(module(item))
    order = {
        name: (LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST), name not in slow, -size)
        for name, size in sizes.items()
    }
    items.sort(key=lambda item: (order[module(item)], module(item), "module_db" in getattr(item, "fixturenames", ())))


@pytest.fixture
def orgs(reference):  # type: ignore[no-untyped-def]
    snapshot.put_layer("orgs")
    return orgs_from_database()


@pytest.fixture
def people(orgs):  # type: ignore[no-untyped-def]
    """Named staff personas; `people.all` lists them for matrix tests (anonymous included)."""
    snapshot.put_layer("people")
    return people_from_database(orgs)


@pytest.fixture
def case_person():  # type: ignore[no-untyped-def]
    """Who `case` opens a case for; a module that needs someone else (an adult, a name it looks
    for) overrides this fixture with the person's values."""
    return SYNTHETIC_GIRL


@pytest.fixture
def case(people, case_person):  # type: ignore[no-untyped-def]
    """A case of the social worker's (Vientiane MLSW office), opened through the intake service.
    A module that needs more on it overrides `case` with a fixture that takes this one."""
    if case_person is SYNTHETIC_GIRL and not CaseCodeCounter.objects.exists():  # no case yet: codes free
        snapshot.put_layer("case")
        return Case.objects.select_related("person").get(pk=LAYERED["case"])
    return open_case(people.social_worker, person_values=case_person)


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return APIClient()


@pytest.fixture(autouse=True)
def english_after_each_test():  # type: ignore[no-untyped-def]
    """Pages a test requests in Lao leave Lao active in this thread (LocaleMiddleware activates,
    nothing deactivates): put the default language back so the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
