"""Fixtures for the plan tests: a chair in the reviewing team, an episode, and a plan."""

import datetime

import pytest

from haven.accounts.models import Role, Team, TeamKind
from haven.frontdoor.services import referral_create


@pytest.fixture
def reviewing_team(db):
    return Team.objects.create(name="Independent reviewing officers", kind=TeamKind.REVIEWING)


@pytest.fixture
def chair(make_user, reviewing_team):
    user = make_user(Role.REVIEWING_OFFICER, None, first_name="Chloe", last_name="Bennett")
    user.memberships.create(team=reviewing_team)
    return user


@pytest.fixture
def referral(child, manager, teams):
    return referral_create(
        person=child,
        by=manager,
        referral_date=datetime.date(2024, 3, 1),
        source="6",
        team=teams["assessment"],
    )


@pytest.fixture
def plan(referral, manager, chair):
    from haven.protection.tests.test_services import plan_from_icpc

    return plan_from_icpc(referral, manager, chair)
