"""The assessment page through the test client: saving, the conflict path, submitting,
authorising and who may do what."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from haven.accounts.models import Role
from haven.assessments.models import Assessment, AssessmentStatus
from haven.frontdoor.services import referral_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(child, manager, teams) -> Assessment:
    referral = referral_create(
        person=child,
        by=manager,
        referral_date=timezone.localdate() - datetime.timedelta(days=5),
        source="6",
        team=teams["assessment"],
    )
    return referral.assessments.get()


def url(assessment):
    return reverse("assessments:assessment_detail", args=[assessment.pk])


def save(client, assessment, version, analysis, button="save", **fields):
    return client.post(
        url(assessment),
        {"version": str(version), "analysis": analysis, "save": button, **fields},
    )


def complete():
    seen = timezone.localdate() - datetime.timedelta(days=2)
    return {
        "child_seen_on_day": str(seen.day),
        "child_seen_on_month": str(seen.month),
        "child_seen_on_year": str(seen.year),
        "factors": ["1B"],
        "outcome": "cin_plan",
        "primary_need": "N1",
    }


def test_the_page_shows_the_assessment_with_its_status_and_due_date(as_worker, assessment):
    page = as_worker.get(url(assessment)).content.decode()
    assert "Child and family assessment" in page
    assert '<dt class="govuk-summary-list__key">Status</dt>' in page
    assert '<strong class="govuk-tag">In progress</strong>' in page
    assert "(45 working days from the referral)" in page
    assert 'name="analysis"' in page


def test_saving_keeps_the_analysis_and_moves_the_version_on(as_worker, assessment):
    response = save(as_worker, assessment, assessment.version, "Mother is engaging well")
    assert response.status_code == 302 and response["Location"] == url(assessment)
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.analysis == "Mother is engaging well"
    assert saved.version == assessment.version + 1
    assert "Assessment saved" in as_worker.get(url(assessment)).content.decode()


def test_a_second_save_from_the_same_version_is_refused_and_keeps_what_was_typed(
    as_worker, as_manager, assessment
):
    version = assessment.version
    assert save(as_manager, assessment, version, "The manager's words").status_code == 302

    response = save(as_worker, assessment, version, "The worker's words")

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Someone else saved changes to this record while you were editing" in page
    # The worker's text is still in the box, and the form now carries the current version,
    # so saving again (after checking) is allowed.
    assert "The worker&#x27;s words</textarea>" in page
    current = Assessment.objects.get(pk=assessment.pk)
    assert f'name="version" value="{current.version}"' in page
    assert current.analysis == "The manager's words"

    again = save(as_worker, assessment, current.version, "The worker's words")
    assert again.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).analysis == "The worker's words"


def test_submitting_an_unfinished_assessment_says_what_is_missing(as_worker, assessment):
    response = save(as_worker, assessment, assessment.version, "", button="submit")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Record when the child was seen before submitting" in page
    assert "Choose the recommended outcome before submitting" in page
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.IN_PROGRESS


def test_submitting_sends_it_to_the_manager_who_authorises_it(as_worker, as_manager, assessment):
    response = save(
        as_worker, assessment, assessment.version, "Analysis", button="submit", **complete()
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED

    worker_page = as_worker.get(url(assessment)).content.decode()
    assert "Assessment submitted to your manager" in worker_page
    assert (
        '<strong class="govuk-tag govuk-tag--yellow">Awaiting authorisation</strong>' in worker_page
    )
    assert "Manager's decision" not in worker_page and 'name="analysis"' not in worker_page

    manager_page = as_manager.get(url(assessment)).content.decode()
    assert "Manager's decision" in manager_page
    today = timezone.localdate()
    response = as_manager.post(
        url(assessment),
        {
            "authorise": "1",
            "authorised_on_day": str(today.day),
            "authorised_on_month": str(today.month),
            "authorised_on_year": str(today.year),
            "manager_comments": "Good work",
        },
    )
    assert response.status_code == 302
    authorised = Assessment.objects.get(pk=assessment.pk)
    assert authorised.status == AssessmentStatus.AUTHORISED
    page = as_manager.get(url(assessment)).content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">Authorised</strong>' in page


def test_a_practitioner_cannot_authorise(as_worker, assessment):
    save(as_worker, assessment, assessment.version, "Analysis", button="submit", **complete())
    response = as_worker.post(url(assessment), {"authorise": "1", "manager_comments": "Mine"})
    assert response.status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED


def test_an_auditor_reads_but_cannot_save(make_user, assessment):
    auditor = client_for(make_user(Role.AUDITOR, None))
    page = auditor.get(url(assessment)).content.decode()
    assert "Child and family assessment" in page and 'name="analysis"' not in page
    response = save(auditor, assessment, assessment.version, "Not mine to write")
    assert response.status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).analysis == ""


def test_another_team_gets_not_found_and_cannot_save(as_outsider, assessment):
    assert as_outsider.get(url(assessment)).status_code == 404
    assert save(as_outsider, assessment, assessment.version, "Intruder").status_code == 404
    assert Assessment.objects.get(pk=assessment.pk).analysis == ""
