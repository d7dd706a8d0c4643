"""In-app notifications: who is told what by the services, and the Alerts page's read and unread."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import client_for, record_contact
from haven.accounts.models import Alert, Role
from haven.accounts.notifications import notify
from haven.assessments import services as assessments
from haven.frontdoor import services as front_door
from haven.frontdoor.services import referral_create
from haven.people.services import allocation_set

pytestmark = pytest.mark.django_db


def messages_for(user) -> list[str]:
    return list(Alert.objects.filter(recipient=user).values_list("message", flat=True))


@pytest.fixture
def assessment(child, manager, teams):
    referral = referral_create(
        person=child,
        by=manager,
        referral_date=datetime.date(2024, 3, 28),
        source="6",
        team=teams["assessment"],
    )
    return referral.assessments.get()


def test_nobody_is_told_of_their_own_action_nor_twice_while_unread(worker, manager, make_user):
    gone = make_user(Role.PRACTITIONER)
    gone.is_active = False
    gone.save()
    assert notify(recipients=[worker, manager, None, gone], by=manager, message="Hello") == 1
    assert notify(recipients=[worker], message="Hello") == 0
    Alert.objects.filter(recipient=worker).update(read_at=datetime.datetime.now(datetime.UTC))
    assert notify(recipients=[worker], message="Hello") == 1
    assert messages_for(manager) == [] and messages_for(gone) == []


def test_a_worker_is_told_when_a_case_and_an_assessment_are_allocated_to_them(
    assessment, worker, manager, child
):
    assessments.assessment_allocate(assessment=assessment, worker=worker, by=manager)
    told = messages_for(worker)
    assert f"Assessment {assessment.pk} has been allocated to you by Tom Hughes" in told
    assert "John Smith: the case has been allocated to you by Tom Hughes" in told
    alert = Alert.objects.get(recipient=worker, message__startswith="John Smith")
    assert alert.link == f"/people/{child.pk}/" and alert.read_at is None


def test_allocating_a_child_to_yourself_tells_nobody(child, manager, teams):
    allocation_set(person=child, by=manager, team=teams["assessment"], worker=manager)
    assert not Alert.objects.exists()


def test_a_manager_is_told_of_a_submitted_assessment_and_the_worker_of_its_return(
    assessment, worker, manager, make_user
):
    other_manager = make_user(Role.TEAM_MANAGER, "other")
    assessments.assessment_allocate(assessment=assessment, worker=worker, by=manager)
    a = assessments.assessment_update(
        assessment_id=assessment.pk,
        by=worker,
        expected_version=assessment.version + 1,
        values={
            "child_seen_on": datetime.date(2024, 4, 3),
            "factors": ["3A"],
            "analysis": "Safe with support.",
            "outcome": "cin_plan",
            "primary_need": "N1",
            "overdue_reason": "Family away",
        },
    )
    a = assessments.assessment_submit(assessment=a, by=worker)
    expected = f"Assessment {a.pk}, submitted by Sam Okafor, awaits your authorisation"
    assert expected in messages_for(manager)
    assert messages_for(other_manager) == []  # another team's manager is not told
    assessments.assessment_return(assessment=a, by=manager, comments="Add the father's views")
    assert (
        f"Assessment {a.pk} has been returned to you by Tom Hughes: Add the father's views"
        in messages_for(worker)
    )


def test_the_front_door_managers_are_told_a_decision_awaits_them_once_per_contact(
    make_user, make_child, teams, settings
):
    settings.HAVEN_DECISIONS_NEED_AUTHORISATION = True
    mash = make_user(Role.MASH_PRACTITIONER, "front_door", first_name="Maya", last_name="Ashworth")
    mash_manager = make_user(Role.TEAM_MANAGER, "front_door")
    district_manager = make_user(Role.TEAM_MANAGER, "assessment")
    contact = record_contact(
        mash, teams["front_door"], [make_child(team=None), make_child(team=None, given_names="Amy")]
    )
    front_door.contact_assign(contact=contact, worker=mash, by=mash_manager)
    assert messages_for(mash) == [
        f"Contact {contact.pk} has been assigned to you by {mash_manager}"
    ]
    for decision in contact.children.all():
        front_door.decision_record(
            contact_child=decision,
            by=mash,
            level_of_need=3,
            outcome="referral",
            rationale="Needs assessment",
        )
    # (Putting children no team holds on a contact already told the managers about that.)
    awaiting = [m for m in messages_for(mash_manager) if "awaits" in m]
    assert awaiting == [
        f"Contact {contact.pk}: a decision by Maya Ashworth awaits your authorisation"
    ]
    assert [m for m in messages_for(district_manager) if "awaits" in m] == []
    alert = Alert.objects.get(recipient=mash_manager, message__contains="awaits")
    assert alert.link == reverse("frontdoor:contact_detail", args=[contact.pk])


def test_the_alerts_page_counts_unread_opens_items_and_marks_read(worker, manager, child):
    notify(recipients=[worker], message="First", link=f"/people/{child.pk}/")
    notify(recipients=[worker], message="Second")
    notify(recipients=[worker], message="Elsewhere", link="https://example.com/")
    first, second, elsewhere = (
        Alert.objects.get(message=m) for m in ("First", "Second", "Elsewhere")
    )
    client = client_for(worker)
    page = client.get(reverse("accounts:alerts")).content.decode()
    assert "Alerts (3)" in page and "3 unread" in page
    assert page.count(">Unread</strong>") == 3
    # Looking at the list changes nothing: each is read when opened or marked.
    assert Alert.objects.filter(recipient=worker, read_at__isnull=True).count() == 3

    response = client.get(reverse("accounts:alert_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == f"/people/{child.pk}/"
    first.refresh_from_db()
    assert first.read_at is not None
    # A link outside Haven is never followed.
    response = client.get(reverse("accounts:alert_open", args=[elsewhere.pk]))
    assert response["Location"] == reverse("accounts:alerts")

    client.post(reverse("accounts:alert_read", args=[first.pk]), {"unread": "1"})
    first.refresh_from_db()
    assert first.read_at is None
    response = client.post(reverse("accounts:alert_read", args=[second.pk]), follow=True)
    assert "Alert marked as read" in response.content.decode()
    assert "Alerts (1)" in response.content.decode()

    response = client.post(reverse("accounts:alerts_read_all"), follow=True)
    page = response.content.decode()
    assert "1 alert marked as read" in page and "Alerts (0)" in page
    assert "Mark all as read" not in page
    assert not Alert.objects.filter(recipient=worker, read_at__isnull=True).exists()


def test_another_users_alert_is_not_found(worker, manager):
    notify(recipients=[worker], message="Yours", link="/")
    alert = Alert.objects.get()
    as_manager = client_for(manager)
    assert as_manager.get(reverse("accounts:alert_open", args=[alert.pk])).status_code == 404
    assert as_manager.post(reverse("accounts:alert_read", args=[alert.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.read_at is None
