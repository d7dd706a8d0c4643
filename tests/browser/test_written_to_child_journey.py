"""A child protection plan written to the child (issue 11): the worker marks the plan, sees the
tag, and as they type an outcome the form shows its reading age and the jargon in it, asked of
the case notes' readability endpoint by the same script."""

import datetime

import pytest

from haven.accounts.models import Role
from haven.frontdoor.services import referral_create
from haven.protection.models import ChildProtectionPlan
from haven.protection.tests.test_services import plan_from_icpc
from tests.browser.conftest import assert_accessible
from tests.browser.test_front_door_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_writes_the_plan_to_the_child_and_sees_the_reading_age(
    browser, live_server, child, manager, worker, make_user, teams
):
    chair = make_user(Role.REVIEWING_OFFICER, None, first_name="Chloe", last_name="Bennett")
    referral = referral_create(
        person=child,
        by=manager,
        referral_date=datetime.date(2024, 3, 1),
        source="6",
        team=teams["assessment"],
    )
    plan = plan_from_icpc(referral, manager, chair)

    page = sign_in(browser, live_server, worker)
    page.goto(f"/people/{child.pk}/protection/")
    page.get_by_text("Change whether the plan is written to the child").click()
    page.get_by_label("Written to the child", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("The plan is marked as written to the child").wait_for()
    assert page.get_by_test_id(f"cp-written-{plan.pk}").inner_text().strip() == (
        "Written to the child"
    )
    assert ChildProtectionPlan.objects.get(pk=plan.pk).written_to_child

    page.get_by_text("Add an outcome").click()
    page.get_by_label("Outcome", exact=True).fill(
        "You will be safe at home. The CP plan helps your mum and dad look after you every day."
    )
    panel = page.get_by_test_id("readability-cp-outcome")
    panel.get_by_text('"CP" (say a plan to keep you safe)').wait_for()
    assert "A reader of about" in panel.inner_text()
    assert_accessible(page)
