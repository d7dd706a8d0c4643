"""The chair's conferences page: what to hold and what they chaired, within need-to-know."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Membership, Role, Team, TeamKind
from haven.frontdoor.services import referral_create
from haven.protection.tests.test_views import plan_from_icpc

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def chair(make_user, teams):
    chair = make_user(Role.REVIEWING_OFFICER, None, first_name="Chloe", last_name="Bennett")
    reviewing = Team.objects.create(name="IROs", kind=TeamKind.REVIEWING)
    Membership.objects.create(user=chair, team=reviewing)
    # Seeing the children comes from need-to-know: here, through the assessment team.
    Membership.objects.create(user=chair, team=teams["assessment"])
    return chair


def test_a_chair_lands_on_the_conferences_they_hold_and_chaired(
    chair, child, make_child, manager, make_user, teams
):
    referral = referral_create(
        person=child, by=manager, referral_date=D(2024, 3, 1), source="6", team=teams["assessment"]
    )
    plan_from_icpc(referral, manager, chair, D(2024, 3, 28), D(2024, 4, 4))
    # Another team's child, whose conferences another chair holds, is not this chair's to see.
    theirs = make_child(team="other", given_names="Hidden")
    other_manager = make_user(Role.TEAM_MANAGER, "other")
    other_chair = make_user(Role.REVIEWING_OFFICER, "other", first_name="Olu", last_name="Ade")
    plan_from_icpc(
        referral_create(
            person=theirs,
            by=other_manager,
            referral_date=D(2024, 3, 1),
            source="6",
            team=teams["other"],
        ),
        other_manager,
        other_chair,
        D(2024, 3, 28),
        D(2024, 4, 4),
    )
    client = client_for(chair)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("protection:conferences")
    page = client.get(reverse("protection:conferences")).content.decode()
    to_hold = page[page.index('data-testid="conferences-to-hold"') :].split("</table>")[0]
    held = page[page.index('data-testid="conferences-held"') :].split("</table>")[0]
    assert "John Smith" in to_hold and "Review conference" in to_hold and "Overdue" in to_hold
    assert "John Smith" in held and "Initial child protection conference" in held
    assert "4 April 2024" in held and "Child protection plan" in held
    assert "Hidden" not in page
    assert reverse("protection:child_protection", args=[child.pk]) in to_hold
    # The header shows the chair's section, highlighted.
    assert 'aria-current="page"' in page.split('href="/people/conferences/"', 1)[1][:40]


def test_a_chair_with_nothing_to_hold_is_told_so(chair):
    page = client_for(chair).get(reverse("protection:conferences")).content.decode()
    assert "You have no conferences or reviews to hold." in page
    assert "You have not chaired a conference yet." in page


def test_the_conferences_page_is_for_roles_that_see_records(make_user):
    analyst = client_for(make_user(Role.PERFORMANCE_ANALYST, None))
    assert analyst.get(reverse("protection:conferences")).status_code == 403
