"""A looked-after child for the statutory work's tests, built from the models (a period, its
legal status and placements, the episodes derived)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from haven.accounts.models import Role, Team, TeamKind
from haven.care import episodes
from haven.care.models import CarePeriod, LegalStatusChange, Placement

START = datetime.date(2026, 1, 5)  # a Monday


def looked_after(
    child: Any,
    *,
    start: datetime.date = START,
    ls: str = "C1",
    place: str = "U6",
    iro: Any = None,
    intended_until_18: bool = False,
) -> CarePeriod:
    period = CarePeriod.objects.create(
        person=child, start_date=start, category_of_need="N1", home_postcode="SO23 8UJ", iro=iro
    )
    LegalStatusChange.objects.create(period=period, person=child, code=ls, start_date=start)
    Placement.objects.create(
        period=period,
        person=child,
        start_date=start,
        place=place,
        provider="PR1",
        carer_name="Carer A",
        intended_until_18=intended_until_18,
    )
    episodes.rederive(period)
    return period


def move(
    period: CarePeriod, on: datetime.date, *, place: str = "U6", carer: str = "Carer B"
) -> Placement:
    current = Placement.objects.get(period=period, end_date__isnull=True)
    Placement.objects.filter(pk=current.pk).update(end_date=on, change_reason="CREQB")
    placement = Placement.objects.create(
        period=period,
        person=period.person,
        start_date=on,
        place=place,
        provider="PR1",
        carer_name=carer,
    )
    episodes.rederive(period)
    return placement


@pytest.fixture
def iro(make_user: Any) -> Any:
    """A reviewing officer in the reviewing team."""
    user = make_user(Role.REVIEWING_OFFICER, None, first_name="Ivy", last_name="Reviewer")
    user.memberships.create(
        team=Team.objects.create(name="Independent reviewing officers", kind=TeamKind.REVIEWING)
    )
    return user


@pytest.fixture
def period(child: Any, worker: Any, manager: Any, teams: Any, iro: Any) -> CarePeriod:
    """``child``, held by ``worker``, looked after from START in foster care with ``iro``."""
    from haven.people.services import case_allocate

    case_allocate(person=child, by=manager, team=teams["assessment"], worker=worker)
    return looked_after(child, iro=iro)
