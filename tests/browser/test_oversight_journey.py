"""Oversight and supervision in Chromium: the manager records oversight with an action for the
worker; the worker finds it on "my work" and marks it done; the manager records a supervision
with a case discussion and a reflective part; the child's record shows the discussion and not
the reflection; another worker cannot open the supervision at all."""

import datetime

import pytest

from haven.accounts.models import Role
from haven.oversight.models import OversightAction
from tests.browser.conftest import assert_accessible
from tests.browser.test_front_door_journey import sign_in
from tests.browser.test_protection_journey import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFLECTION = "Finding the late visits to the family draining"


def test_oversight_action_on_my_work_and_supervision_with_a_private_reflection(
    browser, live_server, child, manager, worker, make_user
):
    today = datetime.date.today()

    # The manager directs the case and gives the worker an action.
    boss = sign_in(browser, live_server, manager)
    boss.goto(f"/people/{child.pk}/oversight/")
    assert boss.get_by_test_id("no-oversight").is_visible()
    assert_accessible(boss)
    boss.get_by_role("button", name="Record oversight").click()
    assert boss.get_by_text("There is a problem").is_visible()
    assert_accessible(boss)
    boss.get_by_label("Decision and direction").fill("Strategy discussion needed this week.")
    boss.get_by_label("Action 1: what needs doing").fill("See John alone at school")
    boss.get_by_label("Action 1: who will do it").select_option(label=worker.display_name)
    fill_date(boss, "Action 1: due by (optional)", today + datetime.timedelta(days=2))
    boss.get_by_role("button", name="Record oversight").click()
    assert boss.get_by_text("Management oversight recorded").is_visible()
    assert "Strategy discussion needed this week." in boss.locator("main").inner_text()

    # The worker finds the action on "my work" and marks it done.
    me = sign_in(browser, live_server, worker)
    me.get_by_test_id("my-work").get_by_role("link", name="See John alone at school").click()
    assert_accessible(me)
    me.get_by_role("button", name="Mark as done").click()
    assert me.get_by_text("Action marked as done").is_visible()
    assert OversightAction.objects.get().done_by == worker
    me.goto("/my-work/")
    assert "See John alone at school" not in me.locator("main").inner_text()

    # The manager records a supervision: a case discussion and a reflective part.
    boss.goto("/supervision/")
    assert_accessible(boss)
    boss.get_by_test_id("supervisees").get_by_role("link", name=worker.display_name).click()
    fill_date(boss, "Date of supervision", today)
    boss.get_by_label("Case discussion 1: child").select_option(label=child.full_name)
    boss.get_by_label("Case discussion 1: decision and direction").fill(
        "Prepare for an initial child protection conference."
    )
    boss.get_by_label("Reflective discussion").fill(REFLECTION)
    boss.get_by_role("button", name="Record the supervision").click()
    assert boss.get_by_text(f"Supervision with {worker.display_name} recorded").is_visible()
    assert REFLECTION in boss.locator("main").inner_text()
    assert_accessible(boss)

    # The child's record shows the case discussion, never the reflection.
    me.goto(f"/people/{child.pk}/oversight/")
    record = me.locator("main").inner_text()
    assert "Prepare for an initial child protection conference." in record
    assert REFLECTION not in record
    # The worker sees their own supervision, reflection included.
    me.goto("/supervision/")
    assert REFLECTION in me.get_by_test_id("reflection").inner_text()
    assert_accessible(me)

    # Another worker in the team sees the child's oversight but not the supervision.
    colleague = sign_in(browser, live_server, make_user(Role.PRACTITIONER, "assessment"))
    colleague.goto(f"/people/{child.pk}/oversight/")
    assert (
        "Prepare for an initial child protection conference."
        in colleague.locator("main").inner_text()
    )
    assert REFLECTION not in colleague.content()
    response = colleague.goto(f"/supervision/{worker.pk}/")
    assert response.status == 404
    assert REFLECTION not in colleague.content()

    # The figures: every open case's oversight, and supervision in time.
    boss.goto("/performance/oversight/")
    assert "100%" in boss.get_by_test_id("oversight-share").inner_text()
    assert_accessible(boss)
