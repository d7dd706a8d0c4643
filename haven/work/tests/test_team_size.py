"""The manager's "my work" with a district team of realistic size (a hampshire district:
about 30 workers, 1,000 children held, 300 open assessments, 120 child protection plans with
their visits, conferences and core groups, 250 child in need plans), and as much again in
another team, so the queries read past rows that are not the manager's.

The page must run the same queries whatever the team's size and show the most urgent of each
list; the time is printed (``-s``) for profiling, not asserted: the machine is shared."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from haven.accounts.models import Role, Team, User
from haven.assessments.models import Assessment, AssessmentStatus
from haven.childinneed.models import CINPlan
from haven.frontdoor.models import Referral
from haven.people.models import Allocation, Person
from haven.protection.models import (
    ChildProtectionPlan,
    Conference,
    ConferenceKind,
    CoreGroup,
    Visit,
    VisitKind,
)
from haven.work.views import SHOWN_ON_HOME

# On the schema owner's connection, which may ANALYZE: the planner then knows the tables'
# sizes, as on a county loaded by ``haven generate``.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("owner_db")]

# Children, of whom unallocated; open assessments, of which submitted; CP plans; CIN plans.
SIZES = (1000, 150, 300, 40, 120, 250)
VISITS_PER_PLAN = 12
# Session, user, teams, alerts; each work provider's lists for the manager's own work; the
# teams' lists of the providers the work store does not keep (assessments and their tasks,
# closures awaiting sign-off, oversight actions and supervision, adoption plans waiting for a
# match, missing children's repeat episodes and their discussions); the store's
# (whether it is current; each list's count and each worker's overdue; the young people advised
# by the teams' personal advisers, and which of them the manager may see; each list's most
# urgent, named with need-to-know); caseloads; unallocated children; the access log.
MANAGERS_QUERIES = 40


def _team_of(
    team: Team, workers: list[User], manager: User, today: datetime.date, scale: float
) -> None:
    """A district team's caseload (``scale`` of a realistic one), loaded in bulk."""
    CHILDREN, UNALLOCATED, ASSESSMENTS, SUBMITTED, CP_PLANS, CIN_PLANS = (
        round(n * scale) for n in SIZES
    )
    born = datetime.date(2012, 1, 1)
    children = Person.objects.bulk_create(
        Person(given_names=f"Kid{n}", family_name=f"{team.pk}Family", date_of_birth=born)
        for n in range(CHILDREN)
    )
    referrals = Referral.objects.bulk_create(
        Referral(
            person=p,
            referral_date=today - datetime.timedelta(days=30 + n % 300),
            source="6",
            team=team,
        )
        for n, p in enumerate(children)
    )
    Allocation.objects.bulk_create(
        Allocation(
            person=p,
            team=team,
            worker=None if n < UNALLOCATED else workers[n % len(workers)],
            start_date=today - datetime.timedelta(days=30 + n % 300),
            allocated_by=manager,
        )
        for n, p in enumerate(children)
    )
    Assessment.objects.bulk_create(
        Assessment(
            referral=r,
            person_id=r.person_id,
            team=team,
            worker=workers[n % len(workers)],
            start_date=r.referral_date,
            due_date=today + datetime.timedelta(days=n % 60 - 20),
            due_rule="assessment",
            status=AssessmentStatus.SUBMITTED if n < SUBMITTED else AssessmentStatus.IN_PROGRESS,
        )
        for n, r in enumerate(referrals[:ASSESSMENTS])
    )
    cp = referrals[ASSESSMENTS : ASSESSMENTS + CP_PLANS]
    icpcs = Conference.objects.bulk_create(
        Conference(
            person_id=r.person_id,
            referral=r,
            kind=ConferenceKind.TRANSFER_IN,
            due_date=r.referral_date + datetime.timedelta(days=21),
            due_rule="icpc",
            held_on=r.referral_date + datetime.timedelta(days=20),
        )
        for r in cp
    )
    plans = ChildProtectionPlan.objects.bulk_create(
        ChildProtectionPlan(
            person_id=r.person_id,
            referral=r,
            conference=c,
            start_date=c.held_on or today,
            initial_category="N",
            latest_category="N",
            lead_practitioner=workers[n % len(workers)],
        )
        for n, (r, c) in enumerate(zip(cp, icpcs, strict=True))
    )
    Conference.objects.bulk_create(
        Conference(
            person_id=p.person_id,
            referral_id=p.referral_id,
            plan=p,
            kind=ConferenceKind.REVIEW,
            due_date=today + datetime.timedelta(days=n % 90),
            due_rule="review",
        )
        for n, p in enumerate(plans)
    )
    CoreGroup.objects.bulk_create(
        CoreGroup(
            plan=p,
            person_id=p.person_id,
            due_date=today - datetime.timedelta(days=k * 30),
            due_rule="core_group",
            held_on=None if k == 0 else today - datetime.timedelta(days=k * 30),
        )
        for p in plans
        for k in range(6)
    )
    cin = CINPlan.objects.bulk_create(
        CINPlan(
            referral=r,
            person_id=r.person_id,
            start_date=r.referral_date,
            worker=workers[n % len(workers)],
        )
        for n, r in enumerate(
            referrals[ASSESSMENTS + CP_PLANS : ASSESSMENTS + CP_PLANS + CIN_PLANS]
        )
    )
    visits = [
        Visit(
            person_id=p.person_id,
            kind=VisitKind.CP,
            cp_plan=p,
            visited_on=today - datetime.timedelta(days=10 * k + 1),
            child_seen=True,
            due_date=today - datetime.timedelta(days=10 * k),
            next_due=today - datetime.timedelta(days=10 * k - 14),
            due_rule="cp_visit",
        )
        for p in plans
        for k in range(VISITS_PER_PLAN)
    ]
    visits += [
        Visit(
            person_id=p.person_id,
            kind=VisitKind.CIN,
            cin_plan=p,
            visited_on=today - datetime.timedelta(days=20 * k + 1),
            child_seen=True,
            due_date=today - datetime.timedelta(days=20 * k),
            next_due=today - datetime.timedelta(days=20 * k - 28),
            due_rule="cin_visit",
        )
        for p in cin
        for k in range(VISITS_PER_PLAN)
    ]
    Visit.objects.bulk_create(visits)


@pytest.fixture(params=[0.02, 1], ids=["small", "district"])
def district(request: Any, teams: dict[str, Team], make_user: Any) -> User:
    today = timezone.localdate()
    manager = make_user(Role.TEAM_MANAGER, "assessment", first_name="Dee", last_name="Strict")
    for key in ("assessment", "other"):
        workers = [make_user(Role.PRACTITIONER, key) for _ in range(30)]
        boss = manager if key == "assessment" else make_user(Role.TEAM_MANAGER, key)
        _team_of(teams[key], workers, boss, today, request.param)
    manager.scale = request.param  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return manager


class Timed:
    """Every query a block runs, with its time (works on whichever connection is default)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - start) * 1000, sql))


def test_a_district_managers_my_work_runs_bounded_queries_and_shows_the_most_urgent(
    district: User,
) -> None:
    client = client_for(district)
    url = reverse("work:home")
    client.get(url)  # warm the session, calendar and URL caches
    timed = Timed()
    with connection.execute_wrapper(timed):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    scale: float = district.scale  # type: ignore[attr-defined]
    _, unallocated, _, submitted, *_ = (round(n * scale) for n in SIZES)
    assert f"Awaiting your authorisation ({submitted})" in page
    assert f"Children with no named worker ({unallocated})" in page
    assert page.count("Kid") >= min(SHOWN_ON_HOME, submitted)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"\nmy work, manager of {scale:.0%} of a district: median {times[len(times) // 2]:.0f} ms"
    )
    for ms, sql in sorted(timed.queries, reverse=True)[:8]:
        print(f"  {ms:6.1f} ms  {sql[:150]}")
    assert len(timed.queries) == MANAGERS_QUERIES, [sql[:100] for _, sql in timed.queries]
