"""A young person who was looked after from 14 and left care at 17 (a relevant care leaver
now), held by ``worker``; a personal adviser in a leaving care team."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from haven.accounts.models import Role, Team, TeamKind
from haven.care import services as care
from haven.care.tests.factories import looked_after_child

D = datetime.date
BORN = D(2009, 6, 1)  # 17 on 1 June 2026
IN_CARE = D(2023, 9, 4)  # at 14
LEFT = D(2026, 7, 1)  # at 17


@pytest.fixture
def adviser(make_user: Any) -> Any:
    user = make_user(Role.PRACTITIONER, None, first_name="Priya", last_name="Adviser")
    user.memberships.create(
        team=Team.objects.create(name="Leaving care", kind=TeamKind.LEAVING_CARE)
    )
    return user


@pytest.fixture
def young_person(make_child: Any, worker: Any, manager: Any, teams: Any) -> Any:
    from haven.people.services import case_allocate

    person = make_child(given_names="Jade", family_name="Brown", date_of_birth=BORN, sex="F")
    case_allocate(person=person, by=manager, team=teams["assessment"], worker=worker)
    period = looked_after_child(person, manager, start=IN_CARE, legal_status="C2")
    care.period_end(period=period, by=manager, end_date=LEFT, reason="E6")
    return person


@pytest.fixture
def in_care_16(make_child: Any, worker: Any, manager: Any, teams: Any) -> Any:
    """Looked after from 15, still in care at 16 (eligible)."""
    from haven.people.services import case_allocate

    person = make_child(given_names="Kai", family_name="Green", date_of_birth=D(2010, 3, 1))
    case_allocate(person=person, by=manager, team=teams["assessment"], worker=worker)
    looked_after_child(person, manager, start=D(2025, 5, 1), legal_status="C2")
    return person
