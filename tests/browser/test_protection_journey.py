import datetime

import pytest

from haven.accounts.models import Role
from haven.frontdoor.services import referral_create
from haven.protection.models import ChildProtectionPlan
from tests.browser.conftest import assert_accessible
from tests.browser.test_front_door_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(scope, label, day):
    group = scope.get_by_role("group", name=label)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_from_strategy_discussion_to_plan_end_and_closure(browser, live_server, child, manager, worker,
                                                          make_user, teams):
    chair = make_user(Role.REVIEWING_OFFICER, None, first_name="Chloe", last_name="Bennett")
    start = datetime.date.today() - datetime.timedelta(days=200)
    referral = referral_create(person=child, by=manager, referral_date=start, source="6", team=teams["assessment"])
    referral.assessments.update(status="authorised", authorised_on=start, authorised_by=manager,
                                outcome="strategy_discussion")
    day = lambda n: start + datetime.timedelta(days=n)  # noqa: E731

    page = sign_in(browser, live_server, worker)
    page.goto(f"/people/{child.pk}/protection/")
    assert_accessible(page)

    page.get_by_text("Record a strategy discussion").click()
    fill_date(page, "Date of the strategy discussion", day(1))
    page.get_by_role("group", name="Agencies taking part").get_by_label("Police").check()
    page.get_by_label("Start a section 47 enquiry").check()
    page.get_by_role("button", name="Record the strategy discussion").click()
    assert page.get_by_text("Section 47 enquiry from").is_visible()

    # Bad input: the enquiry cannot end before it started.
    fill_date(page, "Date the enquiry ended", day(0))
    page.get_by_label("Conference needed", exact=True).check()
    page.get_by_role("button", name="Complete the enquiry").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    fill_date(page, "Date the enquiry ended", day(8))
    page.get_by_label("Conference needed", exact=True).check()
    page.get_by_role("button", name="Complete the enquiry").click()

    page.get_by_text("Record the initial child protection conference").click()
    fill_date(page, "Date of the conference", day(10))
    page.get_by_label("Chair").select_option(label=chair.display_name)
    page.get_by_label("Child protection plan", exact=True).check()
    page.get_by_label("Category of abuse").select_option("NEG")
    page.get_by_role("button", name="Record the conference").click()
    assert "Neglect" in page.get_by_test_id("cp-plan").inner_text()
    assert_accessible(page)

    page.get_by_text("Record this core group").click()
    fill_date(page, "Date of the core group", day(15))
    page.get_by_role("button", name="Record the core group").click()

    for offset in (20, 30):
        page.get_by_text("Record a child protection visit").click()
        fill_date(page, "Date of the visit", day(offset))
        page.get_by_role("group", name="Was the child seen?").get_by_label("Yes").check()
        page.get_by_label("Seen alone").check()
        page.get_by_role("button", name="Record the visit").click()
    assert page.get_by_test_id("cp-visits").inner_text().count("seen alone") == 2

    # The review that ends the plan is the chair's to record (a worker cannot end it alone).
    page.context.close()
    page = sign_in(browser, live_server, chair)
    page.goto(f"/people/{child.pk}/protection/")
    page.get_by_text("Record the review conference").click()
    fill_date(page, "Date of the conference", day(100))
    page.get_by_label("End the plan: no longer at risk of significant harm").check()
    page.get_by_role("button", name="Record the conference").click()
    assert ChildProtectionPlan.objects.get(person=child).end_date == day(100)
    page.context.close()
    page = sign_in(browser, live_server, worker)
    page.goto(f"/people/{child.pk}/protection/")

    page.goto(f"/people/{child.pk}/chronology/")
    story = page.get_by_test_id("chronology").inner_text()
    for entry in ("Strategy discussion: start a section 47 enquiry", "Section 47 enquiry started",
                  "Initial child protection conference: child protection plan (neglect)",
                  "Child protection plan started: neglect", "Core group held",
                  "Child protection visit: child seen alone", "Child protection plan ended"):
        assert entry in story, entry

    # Closing the case is proposed with a summary; a manager signs it off
    # (tests/browser/test_casework_journey.py).
    page.goto(f"/people/{child.pk}/protection/")
    page.get_by_role("link", name="Close the case").click()
    fill_date(page, "Closure date", day(101))
    page.get_by_label("Reason for closure").select_option("RC7")
    page.get_by_label("Closure summary").fill("The plan ended; the family no longer needs services.")
    page.get_by_role("button", name="Send to a manager for sign-off").click()
    assert page.get_by_test_id("pending-closure").is_visible()
    assert_accessible(page)
