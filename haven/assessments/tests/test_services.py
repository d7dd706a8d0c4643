import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.assessments import services
from haven.assessments.models import AssessmentStatus
from haven.core.errors import ConflictError
from haven.frontdoor.services import referral_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(child, manager, worker, teams):
    referral = referral_create(
        person=child,
        by=manager,
        referral_date=datetime.date(2024, 3, 28),
        source="6",
        team=teams["assessment"],
    )
    a = referral.assessments.get()
    services.assessment_allocate(assessment=a, worker=worker, by=manager)
    a.refresh_from_db()
    return a


def fill(assessment, worker, **values):
    base = {
        "child_seen_on": datetime.date(2024, 4, 3),
        "seen_alone": True,
        "factors": ["3A", "4B"],
        "analysis": "Mother is isolated; the children are safe with support.",
        "outcome": "cin_plan",
        "primary_need": "N4",
    }
    base.update(values)
    return services.assessment_update(
        assessment_id=assessment.pk, by=worker, expected_version=assessment.version, values=base
    )


def test_allocating_the_assessment_allocates_the_child(assessment, worker, child):
    assert assessment.worker == worker
    assert child.allocations.get(end_date__isnull=True).worker == worker


def test_seeing_the_child_is_recorded_in_the_chronology(assessment, worker, child):
    fill(assessment, worker)
    assert child.chronology_events.filter(kind="child_seen", summary__contains="alone").exists()


def test_the_child_cannot_be_seen_before_the_assessment_started(assessment, worker):
    with pytest.raises(ValidationError) as error:
        fill(assessment, worker, child_seen_on=datetime.date(2024, 3, 1))
    assert "child_seen_on" in error.value.message_dict


def test_a_late_assessment_cannot_be_submitted_without_a_reason(assessment, worker):
    a = fill(assessment, worker)  # today is long after the June 2024 due date
    with pytest.raises(ValidationError) as error:
        services.assessment_submit(assessment=a, by=worker)
    assert "overdue_reason" in error.value.message_dict
    a = services.assessment_update(
        assessment_id=a.pk,
        by=worker,
        expected_version=a.version,
        values={"overdue_reason": "Family were away for three weeks"},
    )
    assert services.assessment_submit(assessment=a, by=worker).status == AssessmentStatus.SUBMITTED


def test_an_assessment_cannot_be_authorised_before_it_started(assessment, worker, manager):
    a = fill(assessment, worker, overdue_reason="Family away")
    a = services.assessment_submit(assessment=a, by=worker)
    with pytest.raises(ValidationError) as error:
        services.assessment_authorise(
            assessment=a, by=manager, authorised_on=datetime.date(2024, 3, 27)
        )
    assert "before it started" in error.value.message_dict["authorised_on"][0]
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED


def test_only_a_manager_authorises(assessment, worker, manager):
    a = services.assessment_submit(
        assessment=fill(assessment, worker, overdue_reason="Away"), by=worker
    )
    with pytest.raises(ValidationError):
        services.assessment_authorise(assessment=a, by=worker)
    a = services.assessment_authorise(
        assessment=a,
        by=manager,
        authorised_on=datetime.date(2024, 5, 30),
        comments="Agree: CIN plan",
    )
    assert a.status == AssessmentStatus.AUTHORISED
    assert services.working_days_taken(a) == 41


def test_a_returned_assessment_goes_back_to_the_worker(assessment, worker, manager):
    a = services.assessment_submit(
        assessment=fill(assessment, worker, overdue_reason="Away"), by=worker
    )
    a = services.assessment_return(assessment=a, by=manager, comments="Add the father's views")
    assert a.status == AssessmentStatus.RETURNED
    from haven.work.items import Scope, work_for

    assert any(i.title == "Assessment returned for changes" for i in work_for(worker, Scope.MINE))


def test_a_stale_save_is_refused(assessment, worker, manager):
    fill(assessment, worker)
    with pytest.raises(services.ConcurrentEditError):
        services.assessment_update(
            assessment_id=assessment.pk,
            by=manager,
            expected_version=assessment.version,
            values={"analysis": "x"},
        )


def test_overdue_work_is_flagged_in_my_work(assessment, worker):
    from haven.work.items import Scope, work_for

    item = next(i for i in work_for(worker, Scope.MINE) if i.kind == "Assessment")
    assert item.is_overdue and item.due == assessment.due_date < timezone.localdate()


def test_an_authorised_assessment_cannot_be_returned_or_authorised_again(
    assessment, worker, manager
):
    a = services.assessment_submit(
        assessment=fill(assessment, worker, overdue_reason="Away"), by=worker
    )
    a = services.assessment_authorise(
        assessment=a, by=manager, authorised_on=datetime.date(2024, 5, 30)
    )
    with pytest.raises(ConflictError) as error:
        services.assessment_return(assessment=a, by=manager, comments="Add the father's views")
    assert "this one is authorised" in error.value.message_dict["manager_comments"][0]
    with pytest.raises(ConflictError):
        services.assessment_authorise(
            assessment=a, by=manager, authorised_on=datetime.date(2024, 6, 3)
        )
    with pytest.raises(ConflictError):
        services.assessment_submit(assessment=a, by=worker)
    a.refresh_from_db()
    assert (a.status, a.authorised_on) == (AssessmentStatus.AUTHORISED, datetime.date(2024, 5, 30))


def test_an_assessment_in_progress_cannot_be_returned(assessment, worker, manager):
    a = fill(assessment, worker)
    with pytest.raises(ConflictError) as error:
        services.assessment_return(assessment=a, by=manager, comments="Add the father's views")
    assert "Only a submitted assessment can be returned" in str(error.value)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.IN_PROGRESS


def test_a_stale_copy_of_a_submitted_assessment_is_not_submitted_twice(assessment, worker):
    a = fill(assessment, worker, overdue_reason="Away")
    stale = services.Assessment.objects.get(pk=a.pk)
    services.assessment_submit(assessment=a, by=worker)
    with pytest.raises(ConflictError):
        services.assessment_submit(assessment=stale, by=worker)
