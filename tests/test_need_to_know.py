"""The ways around need-to-know found by the security review, each closed at its root."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import client_for, record_contact
from haven.accounts.models import Alert, Role
from haven.assessments import services as assessments
from haven.core.models import AccessAction, AccessLog
from haven.frontdoor import services as front_door
from haven.people.models import Person, Relationship

pytestmark = pytest.mark.django_db


def _contact(by: Any, teams: Any, children: list[Person]) -> Any:
    return record_contact(by, teams["front_door"], children, summary="School raised concerns")


@pytest.fixture
def mash(make_user: Any) -> Any:
    return make_user(Role.MASH_PRACTITIONER, "front_door")


@pytest.fixture
def siblings(make_child: Any) -> tuple[Person, Person]:
    mine = make_child(given_names="Mia", family_name="Held")
    theirs = make_child("other", given_names="Otis", family_name="Elsewhere")
    return mine, theirs


def test_a_contact_shows_a_district_worker_only_the_children_they_hold(
    mash: Any, teams: Any, siblings: tuple[Person, Person], worker: Any
) -> None:
    mine, theirs = siblings
    contact = _contact(mash, teams, [mine, theirs])
    page = client_for(worker).get(f"/front-door/contacts/{contact.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Mia Held" in html
    assert "Elsewhere" not in html and f"/people/{theirs.pk}/" not in html
    # Nor can they act on the contact: deciding, checks and assignment are the MASH team's.
    other = contact.children.get(person=theirs)
    decided = client_for(worker).post(
        f"/front-door/contacts/{contact.pk}/children/{other.pk}/decision/",
        {
            f"d{other.pk}-level_of_need": "1",
            f"d{other.pk}-outcome": "nfa",
            f"d{other.pk}-rationale": "x",
        },
    )
    assert decided.status_code in (403, 404)
    own = contact.children.get(person=mine)
    assert (
        client_for(worker)
        .post(f"/front-door/contacts/{contact.pk}/children/{own.pk}/decision/", {})
        .status_code
        == 403
    )
    assert (
        client_for(worker)
        .post(f"/front-door/contacts/{contact.pk}/checks/", {"check-agency": "police"})
        .status_code
        == 403
    )
    contact.children.get(person=theirs).refresh_from_db()
    assert not contact.children.get(person=theirs).outcome


@pytest.mark.parametrize(
    "role", [Role.PERFORMANCE_ANALYST, Role.ADMINISTRATOR, Role.AUDITOR, Role.REVIEWING_OFFICER]
)
def test_contact_matching_is_only_for_front_door_staff(
    role: str, make_user: Any, siblings: tuple[Person, Person]
) -> None:
    user = make_user(role, "front_door")
    response = client_for(user).get("/front-door/match/?find=Held")
    assert response.status_code == 403
    assert "Mia" not in response.content.decode()


def test_contact_matching_answers_the_mash(mash: Any, siblings: tuple[Person, Person]) -> None:
    assert "Mia Held" in client_for(mash).get("/front-door/match/?find=Held").content.decode()


def test_a_contact_about_another_teams_child_is_recorded_and_their_manager_told(
    mash: Any, teams: Any, siblings: tuple[Person, Person], make_user: Any
) -> None:
    _, theirs = siblings
    their_manager = make_user(Role.TEAM_MANAGER, "other")
    contact = _contact(mash, teams, [theirs])
    linked = AccessLog.objects.get(action=AccessAction.LINKED, person_id=theirs.pk)
    assert linked.user == mash and f"contact {contact.pk}" in linked.break_glass_reason
    assert Alert.objects.filter(recipient=their_manager, message__contains=str(theirs.pk)).exists()


def test_a_restricted_child_cannot_be_put_on_a_contact(
    mash: Any, teams: Any, siblings: tuple[Person, Person]
) -> None:
    _, theirs = siblings
    Person.objects.filter(pk=theirs.pk).update(is_restricted=True)
    theirs.refresh_from_db()
    with pytest.raises(Exception, match="no child with that Haven ID"):
        _contact(mash, teams, [theirs])


def test_linking_an_adult_from_outside_ones_cases_needs_a_reason(
    as_worker: Any, worker: Any, siblings: tuple[Person, Person], manager: Any
) -> None:
    mine, theirs = siblings
    stranger = Person.objects.create(kind="adult", given_names="Sid", family_name="Stranger")
    Relationship.objects.create(person=stranger, relative_of=theirs, relationship_type="parent")
    url = f"/people/{mine.pk}/family/new/"
    refused = as_worker.post(url, {"relationship_type": "parent", "existing_person": stranger.pk})
    assert refused.status_code == 200 and "say why you are" in refused.content.decode()
    assert not Relationship.objects.filter(relative_of=mine).exists()
    assert as_worker.get(f"/people/{stranger.pk}/").status_code == 404
    saved = as_worker.post(
        url,
        {
            "relationship_type": "parent",
            "existing_person": stranger.pk,
            "link_reason": "Mother named by the school",
        },
    )
    assert saved.status_code == 302
    assert AccessLog.objects.filter(action=AccessAction.LINKED, person_id=stranger.pk).exists()
    assert Alert.objects.filter(recipient=manager, message__contains="linked record").exists()
    # The adult is now open to the worker, but her other child is not listed on her page.
    page = as_worker.get(f"/people/{stranger.pk}/").content.decode()
    assert "Mia Held" in page and "Elsewhere" not in page


def test_a_practitioner_cannot_reallocate_an_assessment(
    mash: Any,
    teams: Any,
    siblings: tuple[Person, Person],
    worker: Any,
    as_worker: Any,
    make_user: Any,
    manager: Any,
) -> None:
    mine, _ = siblings
    contact = _contact(mash, teams, [mine])
    front_door.decision_record(
        contact_child=contact.children.get(),
        by=manager,
        level_of_need=3,
        outcome="referral",
        rationale="Assess",
        referral_team=teams["assessment"],
    )
    assessment = mine.assessments.get()
    colleague = make_user(Role.PRACTITIONER, "assessment")
    response = as_worker.post(
        f"/assessments/{assessment.pk}/", {"allocate": "1", "worker": colleague.pk}
    )
    assert response.status_code == 403
    with pytest.raises(Exception, match="team manager"):
        assessments.assessment_allocate(assessment=assessment, worker=colleague, by=worker)
    assessment.refresh_from_db()
    assert assessment.worker_id is None
    # A manager can, as before.
    assessments.assessment_allocate(assessment=assessment, worker=colleague, by=manager)
    assessment.refresh_from_db()
    assert assessment.worker_id == colleague.pk
