"""The health and education tab, its forms, and the items on "my work"."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from haven.care.models import HealthKind, HealthRecord, PersonalEducationPlan, SchoolPlacement
from haven.care.tests.health_helpers import look_after
from haven.people.services import case_allocate
from haven.work.items import Scope, work_for

D = date


@pytest.fixture
def looked_after(child, manager, worker, teams):
    case_allocate(person=child, by=manager, team=teams["assessment"], worker=worker)
    look_after(child, D(2025, 1, 6))
    return child


def _url(person):
    return reverse("care_health:tab", args=[person.pk])


def _date(prefix, name, day):
    return {f"{prefix}-{name}": day.isoformat()}


def test_the_tab_shows_what_is_due_and_the_records(looked_after, as_worker):
    HealthRecord.objects.create(
        person=looked_after,
        kind=HealthKind.INITIAL_ASSESSMENT,
        on=D(2025, 2, 10),
        due_date=D(2025, 2, 3),
    )
    HealthRecord.objects.create(
        person=looked_after, kind=HealthKind.SDQ, on=D(2025, 3, 1), sdq_score=17
    )
    response = as_worker.get(_url(looked_after))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Health and education" in page
    assert "Review health assessment" in page and "10 February 2026" in page
    assert "Score 17" in page
    assert "Late" in page  # the initial assessment was a week late


def test_a_child_never_looked_after_sees_no_forms(child, as_worker):
    response = as_worker.get(_url(child))
    page = response.content.decode()
    assert 'data-testid="never-looked-after"' in page
    assert "Record a dental check" not in page


def test_recording_a_dental_check_saves_it_and_says_so(looked_after, as_worker):
    response = as_worker.post(
        _url(looked_after),
        {"dental-check": "1", **_date("dental-check", "on", D(2025, 6, 2))},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == _url(looked_after)
    assert "Dental check recorded" in response.content.decode()
    record = HealthRecord.objects.get()
    assert (record.kind, record.on, record.due_date) == (
        HealthKind.DENTAL_CHECK,
        D(2025, 6, 2),
        D(2026, 1, 6),
    )


def test_an_sdq_score_over_40_is_shown_beside_the_field_and_nothing_is_saved(
    looked_after, as_worker
):
    response = as_worker.post(
        _url(looked_after),
        {"sdq": "1", "sdq-sdq_score": "41", **_date("sdq", "on", D(2025, 6, 2))},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The SDQ score must be a whole number from 0 to 40" in page
    assert "<title>Error:" in page
    assert not HealthRecord.objects.exists()


def test_a_date_before_the_child_was_looked_after_is_a_field_error(looked_after, as_worker):
    response = as_worker.post(
        _url(looked_after), {"pep": "1", **_date("pep", "held_on", D(2024, 12, 2))}
    )
    assert "was not looked after on 2 December 2024" in response.content.decode()
    assert not PersonalEducationPlan.objects.exists()


def test_recording_a_school_and_a_pep(looked_after, as_worker):
    as_worker.post(
        _url(looked_after),
        {
            "school": "1",
            "school-school_name": "Oak Primary",
            "school-urn": "116245",
            "school-virtual_school_contact": "Sam Lee",
            **_date("school", "start_date", D(2025, 1, 13)),
        },
    )
    as_worker.post(
        _url(looked_after),
        {"pep": "1", "pep-summary": "Reading support", **_date("pep", "held_on", D(2025, 1, 17))},
    )
    assert SchoolPlacement.objects.get().virtual_school_contact == "Sam Lee"
    page = as_worker.get(_url(looked_after)).content.decode()
    assert "Oak Primary (URN 116245)" in page and "Reading support" in page
    assert "Personal education plan review" in page and "31 July 2025" in page


def test_someone_outside_the_case_gets_not_found(looked_after, as_outsider):
    assert as_outsider.get(_url(looked_after)).status_code == 404


def test_the_tab_runs_a_fixed_number_of_queries(
    looked_after, as_worker, django_assert_max_num_queries
):
    for day in range(1, 20):
        HealthRecord.objects.create(
            person=looked_after, kind=HealthKind.DENTAL_CHECK, on=D(2025, 3, day)
        )
        PersonalEducationPlan.objects.create(
            period=looked_after.care_periods.get(),
            person=looked_after,
            held_on=D(2025, 3, day),
            due_date=D(2025, 3, 1),
        )
    as_worker.get(_url(looked_after))  # warm the session and caches
    with django_assert_max_num_queries(30) as captured:
        as_worker.get(_url(looked_after))
    few = len(captured)
    HealthRecord.objects.filter(kind=HealthKind.DENTAL_CHECK).delete()
    with django_assert_max_num_queries(few):
        as_worker.get(_url(looked_after))


def test_my_work_has_the_health_assessment_dental_check_and_pep_due(looked_after, worker):
    items = [i for i in work_for(worker, Scope.MINE) if i.url == _url(looked_after)]
    assert sorted((i.title, i.due) for i in items) == [
        ("Dental check due", D(2026, 1, 6)),
        ("Initial health assessment due", D(2025, 2, 3)),
        ("Personal education plan due", D(2025, 1, 20)),
    ]
    assert all(i.is_overdue and i.owner == "Sam Okafor" for i in items)


def test_the_manager_sees_the_overdue_items_of_the_team(looked_after, manager):
    titles = {i.title for i in work_for(manager, Scope.TEAMS) if i.is_overdue}
    assert "Initial health assessment due" in titles
