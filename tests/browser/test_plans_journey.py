"""A child protection plan with content, ended at a review the chair records (issue 10, part 4).

The worker gives the plan its outcomes, an action and its core group; the chair (the README's
``chair`` login) opens the conference they chaired, is warned that a review on the day of the
initial conference needs confirming, and records the review that ends the plan, with its reason.
"""

import datetime

import pytest

from haven.accounts.models import Role, Team, TeamKind
from haven.frontdoor.services import referral_create
from haven.protection import services
from haven.protection.models import ChildProtectionPlan, Conference
from tests.browser.conftest import assert_accessible
from tests.browser.test_front_door_journey import sign_in
from tests.browser.test_protection_journey import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_fills_the_plan_and_the_chair_ends_it_at_review(
    browser, live_server, child, make_child, manager, worker, make_user, teams
):
    reviewing = Team.objects.create(name="Independent reviewing officers", kind=TeamKind.REVIEWING)
    chair = make_user(
        Role.REVIEWING_OFFICER, None, username="chair", first_name="Chloe", last_name="Bennett"
    )
    chair.memberships.create(team=reviewing)
    other = make_child("other", given_names="Ottoline", family_name="Brackenbury")
    start = datetime.date.today() - datetime.timedelta(days=200)
    day = lambda n: start + datetime.timedelta(days=n)  # noqa: E731
    referral = referral_create(
        person=child, by=manager, referral_date=start, source="6", team=teams["assessment"]
    )
    services.strategy_discussion_record(
        referral=referral, by=worker, held_on=day(1), agencies=["police"], decision="start_s47"
    )
    s47 = referral.s47_enquiries.get()
    services.s47_complete(s47=s47, by=worker, end_date=day(8), outcome="conference")
    services.conference_hold(
        conference=Conference.objects.get(s47=s47),
        by=chair,
        held_on=day(10),
        chair=chair,
        decision="plan",
        category="NEG",
    )
    plan = ChildProtectionPlan.objects.get(person=child)

    # The worker gives the plan its content.
    page = sign_in(browser, live_server, worker)
    page.goto(f"/people/{child.pk}/protection/")
    page.get_by_text("Add an outcome").click()
    page.get_by_label("Outcome", exact=True).fill("John is safe and well cared for at home")
    page.get_by_role("button", name="Add the outcome").click()
    assert "safe and well cared for" in page.get_by_test_id(f"cp-outcomes-{plan.pk}").inner_text()

    page.get_by_text("Add an action").click()
    page.get_by_label("What will be done").fill("Attend the parenting course")
    page.get_by_label("Who will do it").fill("Mother")
    fill_date(page, "By when", day(400))
    page.get_by_label("Towards which outcome (optional)").select_option(
        label="John is safe and well cared for at home"
    )
    page.get_by_role("button", name="Add the action").click()
    actions = page.get_by_test_id("cp-actions").inner_text()
    assert "Attend the parenting course" in actions and "Mother" in actions

    page.get_by_text("Add a core group member").click()
    page.get_by_label("Name", exact=True).fill("Jo Bell")
    page.get_by_label("Role", exact=True).fill("School nurse")
    page.get_by_label("Agency (optional)").select_option(label="Health")
    page.get_by_role("button", name="Add the member").click()
    assert (
        "Jo Bell, School nurse (Health)"
        in page.get_by_test_id(f"cp-members-{plan.pk}").inner_text()
    )
    # A worker cannot end the plan alone: the page says who can.
    assert page.get_by_text("ends at a review conference, recorded by its chair").is_visible()
    assert page.get_by_text("End the plan").count() == 0
    assert_accessible(page)
    page.context.close()

    # The chair sees the child of the conference they chaired, and no one else's.
    page = sign_in(browser, live_server, chair)
    assert page.goto(f"/people/{other.pk}/protection/").status == 404
    page.goto(f"/people/{child.pk}/protection/")
    assert (
        "Chloe Bennett"
        in page.get_by_test_id(f"conference-{plan.conference_id}")
        .locator("xpath=preceding-sibling::p[1]")
        .inner_text()
    )
    page.get_by_text("Record the review conference").click()
    fill_date(page, "Date of the conference", day(10))
    assert page.get_by_label("Chair").input_value() == str(chair.pk)
    page.get_by_label("End the plan: no longer at risk of significant harm").check()
    page.get_by_role("button", name="Record the conference").click()
    # A review on the day of the initial conference is flagged, for the chair to confirm or fix.
    assert page.get_by_text("dated the same day as the initial conference").first.is_visible()
    assert page.get_by_label("Yes, this review was held on the same day").is_visible()
    assert_accessible(page)
    fill_date(page, "Date of the conference", day(100))
    page.get_by_role("button", name="Record the conference").click()

    summary = page.get_by_test_id("cp-plan").inner_text()
    assert "No longer at risk of significant harm" in summary
    assert page.get_by_text("Child protection plan from").first.is_visible()
    plan.refresh_from_db()
    assert (plan.end_date, plan.end_reason) == (day(100), "no_longer_at_risk")
    assert_accessible(page)
