"""A looked-after child for the statutory work's tests (through haven.care.tests.factories),
with their IRO, and a move."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from haven.accounts.models import Role, Team, TeamKind
from haven.care import services
from haven.care.models import CarePeriod, Placement
from haven.care.tests.factories import looked_after_child, placement

START = datetime.date(2026, 1, 5)  # a Monday


def looked_after(
    child: Any,
    *,
    by: Any,
    start: datetime.date = START,
    ls: str = "C1",
    place: str = "U6",
    iro: Any = None,
    intended_until_18: bool = False,
) -> CarePeriod:
    """``child`` looked after from ``start`` (recorded by ``by``, a manager), with ``iro``."""
    period = looked_after_child(
        child,
        by,
        start=start,
        legal_status=ls,
        place=place,
        intended_until_18=intended_until_18,
    )
    if iro is not None:
        period = services.iro_allocate(period=period, by=by, iro=iro)
    return period


def move(period: CarePeriod, on: datetime.date, *, by: Any, carer: str = "Carer B") -> Placement:
    """The child moves to another carer on ``on`` (at the carer's request)."""
    return services.placement_move(
        period=period,
        by=by,
        start_date=on,
        change_reason="CREQB",
        placement=placement(carer_name=carer),
    )


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
    return looked_after(child, by=manager, iro=iro)
