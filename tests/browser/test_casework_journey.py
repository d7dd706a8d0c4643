"""Casework in Chromium: the manager allocates a child with no named worker (the assessment
goes with it), the worker submits an assessment recommending a strategy discussion, the manager
authorises it and sees the task created; the worker proposes closure, the manager signs it off
and the child leaves the worker's list."""

import datetime

import pytest

from haven.assessments.models import Assessment, NextStep
from haven.frontdoor.services import referral_create
from tests.browser.conftest import assert_accessible
from tests.browser.test_front_door_journey import sign_in
from tests.browser.test_protection_journey import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_allocate_assess_authorise_and_close_with_sign_off(
    browser, live_server, child, manager, worker, teams
):
    today = datetime.date.today()
    referral_create(
        person=child,
        by=manager,
        referral_date=today - datetime.timedelta(days=3),
        source="6",
        team=teams["assessment"],
    )

    # The manager allocates from "Children with no named worker".
    boss = sign_in(browser, live_server, manager)
    boss.get_by_test_id("unallocated").get_by_role("link", name=child.full_name).click()
    assert "Winchester assessment" in boss.get_by_test_id("current-allocation").inner_text()
    assert_accessible(boss)
    boss.get_by_label("Worker").select_option(label=worker.display_name)
    boss.get_by_role("button", name="Allocate").click()
    assert boss.get_by_text("Allocation saved").is_visible()
    assert Assessment.objects.get(person=child).worker == worker

    # The worker completes and submits the assessment from their work list.
    me = sign_in(browser, live_server, worker)
    me.get_by_test_id("my-work").get_by_role("link", name="Assessment").click()
    fill_date(me, "Date the child was seen", today - datetime.timedelta(days=1))
    me.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
    me.get_by_label("Neglect", exact=True).check()
    me.get_by_label("Analysis").fill("Bruising seen at school; the explanation does not fit.")
    me.get_by_label("Strategy discussion or section 47 enquiry").check()
    me.get_by_label("Primary need").select_option(label="Abuse or neglect")
    me.get_by_role("button", name="Save and submit to manager").click()
    next_steps = me.get_by_test_id("what-next").inner_text()
    assert "a task to hold one is created for Sam Okafor" in next_steps
    assert_accessible(me)

    # The manager sees it first, marked urgent, authorises it and sees the task created.
    boss.goto("/")
    first = boss.get_by_test_id("to-authorise").locator("tbody tr").first
    assert "Urgent" in first.inner_text()
    first.get_by_role("link", name="Authorise assessment: strategy discussion recommended").click()
    boss.get_by_role("button", name="Authorise").click()
    assert boss.get_by_text("Assessment authorised", exact=True).is_visible()
    task = boss.get_by_test_id("next-task")
    assert "Task created: hold a strategy discussion, for Sam Okafor" in task.inner_text()
    assert task.get_by_role("link", name="Record the strategy discussion").is_visible()
    assert_accessible(boss)
    assert NextStep.objects.filter(person=child, worker=worker).exists()

    # The worker has the task, and proposes closing the case.
    me.goto("/")
    assert "Hold a strategy discussion" in me.get_by_test_id("my-work").inner_text()
    me.goto(f"/people/{child.pk}/protection/")
    me.get_by_role("link", name="Close the case").click()
    me.get_by_role("button", name="Send to a manager for sign-off").click()
    assert me.get_by_text("There is a problem").is_visible()
    assert_accessible(me)
    fill_date(me, "Closure date", today)
    me.get_by_label("Reason for closure").select_option("RC7")
    me.get_by_label("Closure summary").fill("Police found no further concern; services ceased.")
    me.get_by_role("button", name="Send to a manager for sign-off").click()
    assert me.get_by_test_id("pending-closure").is_visible()
    assert not me.get_by_role("button", name="Sign off and close the case").count()

    # The manager signs it off; the child leaves the worker's caseload.
    boss.goto("/")
    boss.get_by_test_id("to-authorise").get_by_role(
        "link", name="Sign off closing the case"
    ).click()
    assert "Police found no further concern" in boss.get_by_test_id("pending-closure").inner_text()
    assert_accessible(boss)
    boss.get_by_role("button", name="Sign off and close the case").click()
    assert boss.get_by_text("Closure signed off: the case is closed").is_visible()

    me.goto("/")
    assert me.get_by_text("No children are allocated to you.").is_visible()
    assert child.full_name not in me.locator("main").inner_text()
