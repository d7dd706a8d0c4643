"""The work store stays current with nothing for a service to remember: a change to any record
a stored provider reads marks its child, a worker's new name or a new setting remakes the whole
store, and the manager's lists show the change at once. (That its lists are the providers'
own, item for item, on every day: ``test_wanted.py``.)"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from haven.core.calendar import calendar
from haven.frontdoor.services import referral_create
from haven.missing.models import MissingEpisode, ReturnInterview
from haven.oversight import services as oversight
from haven.people.models import Allocation, Person
from haven.work import store
from haven.work.items import Scope, cases_held, stored_providers, work_for
from haven.work.models import ChangedPerson, StoredItem
from haven.work.selectors import TEAM_SECTIONS, team_sections, team_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(manager: Any, teams: Any, make_child: Any, worker: Any) -> Person:
    """A child whose case opened 40 days ago, held by ``worker``: an oversight review overdue."""
    child = make_child(given_names="Robin")
    referral_create(
        person=child,
        by=manager,
        referral_date=timezone.localdate() - datetime.timedelta(days=40),
        source="6",
        team=teams["assessment"],
    )
    Allocation.objects.filter(person=child).update(
        start_date=timezone.localdate() - datetime.timedelta(days=40), worker=worker
    )
    return child


def _reviews(manager: Any) -> list[tuple[str, str]]:
    return [
        (i.person_names, i.owner)
        for i in team_sections(user=manager)["overdue"]
        if i.kind == "Management oversight"
    ]


def test_every_table_a_stored_provider_reads_is_watched(case: Person) -> None:
    held = cases_held(Q(person=case))
    with CaptureQueriesContext(connection) as queries:
        for provider in stored_providers():
            provider.of_cases(held)
    read = {
        table
        for query in queries.captured_queries
        for table in re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"])
    }
    watched = set(store.watched_tables()) | {table for table, _ in store._WHOLE}
    assert read, "the providers read nothing"
    assert read <= watched, f"not watched by the store: {sorted(read - watched)}"


def test_a_change_to_a_childs_records_is_on_the_managers_list_at_once(
    case: Person, manager: Any
) -> None:
    assert _reviews(manager) == [("Robin Smith", "Sam Okafor")]
    assert not ChangedPerson.objects.exists()
    oversight.oversight_record(person=case, by=manager, direction="Plan is working")
    # The database marked the child: no service told the store.
    assert set(ChangedPerson.objects.values_list("person_id", flat=True)) == {case.pk}
    assert _reviews(manager) == []
    assert not ChangedPerson.objects.exists()


def test_a_case_moved_to_another_worker_shows_its_new_owner(
    case: Person, manager: Any, make_user: Any
) -> None:
    from haven.accounts.models import Role

    assert _reviews(manager) == [("Robin Smith", "Sam Okafor")]
    other = make_user(Role.PRACTITIONER, "assessment", first_name="Ola", last_name="Other")
    Allocation.objects.filter(person=case).update(worker=other)
    assert _reviews(manager) == [("Robin Smith", "Ola Other")]


def test_a_workers_new_name_and_a_new_setting_remake_the_whole_store(
    case: Person, manager: Any, worker: Any
) -> None:
    assert _reviews(manager) == [("Robin Smith", "Sam Okafor")]
    worker.last_name = "Wright"
    worker.save(update_fields=["last_name"])
    assert _reviews(manager) == [("Robin Smith", "Sam Wright")]
    # Oversight every 60 days: a case open for 40 is not yet due.
    with override_settings(HAVEN_OVERSIGHT_INTERVAL_DAYS=60):
        assert _reviews(manager) == []
    assert _reviews(manager) == [("Robin Smith", "Sam Wright")]


def test_the_store_holds_each_case_once_and_forgets_a_closed_one(
    case: Person, manager: Any
) -> None:
    team_sections(user=manager)
    before = StoredItem.objects.filter(person=case).count()
    assert before >= 1
    store.refresh(whole=True)
    assert StoredItem.objects.filter(person=case).count() == before
    Allocation.objects.filter(person=case).update(end_date=timezone.localdate())
    assert _reviews(manager) == []
    assert not StoredItem.objects.filter(person=case).exists()


def _made_now(user):
    """The manager's lists made by every provider at the time."""
    now, today = timezone.now(), timezone.localdate()
    every = work_for(user, Scope.TEAMS)
    return {
        k: [i for i in every if keep(i, now, today)] for k, (_, keep, _) in TEAM_SECTIONS.items()
    }


def test_missing_now_interviews_and_screenings_from_the_store_match_the_providers(
    make_child, worker, manager
):
    """The generated county of ``test_wanted.py`` has no child missing now and no screening
    due: these items, from the store, against the providers' made at the time."""
    calendar()
    held, away, unallocated = (
        make_child(),
        make_child(given_names="Amy"),
        make_child(given_names="Una"),
    )
    Allocation.objects.filter(person__in=[held, away], end_date__isnull=True).update(worker=worker)
    returned = timezone.now() - datetime.timedelta(days=5)
    long_ago = returned - datetime.timedelta(days=30)  # its screening overdue
    episode = MissingEpisode.objects.create(
        person=held, kind="M", started_at=long_ago - datetime.timedelta(hours=20), ended_at=long_ago
    )
    ReturnInterview.objects.create(
        episode=episode,
        person=held,
        offered_at=long_ago,
        interviewer=manager,
        accepted=True,
        completed_at=long_ago + datetime.timedelta(hours=5),
        indicators=["older_associates"],
    )
    MissingEpisode.objects.create(person=away, kind="A", started_at=returned)  # missing now
    MissingEpisode.objects.create(  # an interview to offer, no one holding the case
        person=unallocated,
        kind="M",
        started_at=returned - datetime.timedelta(hours=3),
        ended_at=returned,
    )
    expected = _made_now(manager)
    kinds = {i.kind for items in expected.values() for i in items}
    assert {"Missing", "Return home interview", "Exploitation"} <= kinds, kinds
    assert team_sections(user=manager) == expected
    work = team_work(user=manager, shown=15)
    for section in work.sections:
        assert section.count == len(expected[section.key]), section.key
        assert section.shown == expected[section.key][:15], section.key

    # The child is screened: the store drops the screening due (Screening's trigger).
    from haven.exploitation.tests.conftest import screen

    screen(held, manager, screened_on=timezone.localdate())
    after = _made_now(manager)
    assert "Exploitation" not in {i.kind for items in after.values() for i in items}
    assert team_sections(user=manager) == after
