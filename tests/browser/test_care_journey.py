"""A child on a plan becomes looked after, in Chromium with the README's logins: the social
worker places her in foster care under an interim care order; the manager names her independent
reviewing officer; the worker visits within a week; the IRO holds the first review within 20
working days; the carer asks for her to move and the worker records the move. The episodes Haven
derives are the SSDA903 ones: S, then P with the carer's request on the episode the move ends.
axe-core on every page a role arrives at, and no Content-Security-Policy report."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from haven.care.models import CarePeriod, CareReview, CareVisit, Episode
from haven.childinneed.services import cin_plan_start
from haven.frontdoor.services import referral_create
from haven.people import services as people
from haven.people.models import PersonKind
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_protection_journey import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_child_on_a_plan_is_placed_visited_reviewed_and_moved(browser, live_server, demo_staff):
    teams, users = demo_staff
    today = timezone.localdate()
    start = today - datetime.timedelta(days=60)
    day = lambda n: start + datetime.timedelta(days=n)  # noqa: E731
    team = teams["Winchester district assessment"]
    maya = people.person_create(
        by=users["team.manager"],
        kind=PersonKind.CHILD,
        details={
            "given_names": "Maya",
            "family_name": "Rowe",
            "date_of_birth": datetime.date(2017, 5, 2),
            "sex": "F",
        },
        team=team,
    )
    referral = referral_create(
        person=maya, by=users["team.manager"], referral_date=day(-30), source="6", team=team
    )
    cin_plan_start(
        referral=referral,
        by=users["team.manager"],
        start_date=day(-5),
        worker=users["social.worker"],
    )
    seen: list[tuple[str, list[str]]] = []

    def as_(username: str):
        _context, page, violations = sign_in(browser, live_server, username)
        assert "/sign-in/" not in page.url, f"{username} could not sign in"
        seen.append((username, violations))
        return page

    # 1. The social worker records that Maya is looked after: interim care order, agency carers.
    page = as_("social.worker")
    page.goto(f"/people/{maya.pk}/care/")
    assert_accessible(page)
    page.get_by_text("The child becomes looked after").click()
    fill_date(page, "Date became looked after", day(0))
    page.get_by_label("Legal status").select_option("C1")
    page.get_by_label("Category of need").select_option("N1")
    page.get_by_label("Previous permanence order").select_option("Z1")
    page.get_by_label("Placement type").select_option("U6")
    page.get_by_label("Carer or setting").fill("Sue and Tom Foster")
    page.get_by_label("Placement provider").select_option("PR4")
    page.get_by_label("Ofsted URN").fill("SC123456")
    page.get_by_label(re.compile(r"^Postcode")).fill("SO22 5DT")
    page.get_by_role("button", name="Record that the child is looked after").click()
    assert "Looked after since" in page.get_by_test_id("care-now").inner_text()
    assert_accessible(page)

    # 2. The manager names the independent reviewing officer.
    page = as_("team.manager")
    page.goto(f"/people/{maya.pk}/care/")
    page.get_by_text("Allocate the independent reviewing officer").click()
    page.get_by_label("Independent reviewing officer").select_option(
        label=users["chair"].display_name
    )
    page.get_by_role("button", name="Allocate").click()
    assert users["chair"].display_name in page.get_by_test_id("care-now").inner_text()

    # 3. The worker visits within a week of the placement: seen, and seen alone.
    page = as_("social.worker")
    page.goto(f"/people/{maya.pk}/care/plan-visits-reviews/")
    assert_accessible(page)
    page.get_by_text("Record a statutory visit").click()
    fill_date(page, "Date of the visit", day(5))
    page.get_by_role("group", name="Was the child seen?").get_by_label("Yes").check()
    page.get_by_label("Seen alone").check()
    page.get_by_label("Notes").fill("Maya showed me her room and her drawings.")
    page.get_by_role("button", name="Record the visit").click()
    assert page.get_by_text("There is a problem").count() == 0
    visit = CareVisit.objects.get(person=maya)
    assert visit.visited_on <= visit.due_date and visit.seen_alone

    # 4. The IRO holds the first review within 20 working days, Maya speaking for herself.
    page = as_("chair")
    page.goto(f"/people/{maya.pk}/care/plan-visits-reviews/")
    assert_accessible(page)
    page.get_by_text("Record a review").click()
    fill_date(page, "Date of the review", day(25))
    page.get_by_role("group", name="How the child took part").get_by_label(
        "Child physically attends and speaks for themselves"
    ).check()
    page.get_by_label("What the review found").fill(
        "Settled at school; contact with mum twice a week."
    )
    page.get_by_role("button", name="Record the review").click()
    assert page.get_by_text("There is a problem").count() == 0
    review = CareReview.objects.get(person=maya)
    assert not review.was_late and review.chair == users["chair"]

    # 5. The carers ask for Maya to move; the worker records the move to new carers.
    page = as_("social.worker")
    page.goto(f"/people/{maya.pk}/care/")
    page.get_by_text("Record a move").click()
    move = page.locator("form", has=page.get_by_role("button", name="Record the move"))
    fill_date(move, "Date of the move", day(40))
    move.get_by_label("Reason for the move").select_option("CREQO")
    move.get_by_label("Placement type").select_option("U6")
    move.get_by_label("Carer or setting").fill("Priya Shah")
    move.get_by_label("Placement provider").select_option("PR4")
    move.get_by_label("Ofsted URN").fill("SC654321")
    move.get_by_label(re.compile(r"^Postcode")).fill("SO23 9LX")
    move.get_by_role("button", name="Record the move").click()
    assert "Priya Shah" in page.get_by_test_id("care-now").inner_text()
    rows = page.get_by_test_id("episode")
    assert rows.count() == 2
    assert_accessible(page)

    period = CarePeriod.objects.get(person=maya)
    assert list(
        Episode.objects.filter(period=period).values_list(
            "decom", "rne", "ls", "place", "dec", "rec", "reason_place_change"
        )
    ) == [
        (day(0), "S", "C1", "U6", day(40), "X1", "CREQO"),
        (day(40), "P", "C1", "U6", None, "", ""),
    ]
    for username, violations in seen:
        assert not violations, (username, violations)
