"""A young person in care from 14 turns 16 and leaves care at 18, in Chromium with the README's
logins: the manager allocates the personal adviser before the 16th birthday; the adviser (the
demo login ``pa``) finds her on "My care leavers", records the needs assessment and the pathway
plan, a contact (a case note), where she lives and what she does after care and that she is in
touch before her 19th birthday; the OC3 position at the 19th birthday is computed from those
histories. axe-core on every page a role arrives at, and no Content-Security-Policy report."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from haven.care import services as care
from haven.care.tests.factories import looked_after_child
from haven.casenotes.models import CaseNoteChild
from haven.leavingcare.eligibility import birthday
from haven.people import services as people
from haven.people.models import PersonKind
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_protection_journey import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_16th_birthday_to_the_oc3_position_at_19(browser, live_server, demo_staff):
    teams, users = demo_staff
    today = timezone.localdate()
    born = datetime.date(today.year - 19, today.month, 1) - datetime.timedelta(days=40)
    at_16, at_18, at_19 = birthday(born, 16), birthday(born, 18), birthday(born, 19)
    team = teams["Children looked after"]
    manager = users["team.manager"]
    zara = people.person_create(
        by=manager,
        kind=PersonKind.CHILD,
        details={"given_names": "Zara", "family_name": "Mills", "date_of_birth": born, "sex": "F"},
        team=team,
    )
    people.case_allocate(person=zara, by=manager, team=team, worker=users["cla.worker"])
    period = looked_after_child(
        zara, manager, start=birthday(born, 14) + datetime.timedelta(days=150), legal_status="C2"
    )
    care.period_end(period=period, by=manager, end_date=at_18, reason="E5")
    seen: list[tuple[str, list[str]]] = []

    def as_(username: str):
        _context, page, violations = sign_in(browser, live_server, username)
        assert "/sign-in/" not in page.url, f"{username} could not sign in"
        seen.append((username, violations))
        return page

    # 1. The manager allocates the personal adviser before the 16th birthday.
    page = as_("team.manager")
    page.goto(f"/people/{zara.pk}/leaving-care/")
    assert_accessible(page)
    assert "Former relevant" in page.get_by_test_id("category").inner_text()
    page.get_by_text("Allocate a personal adviser").click()
    page.get_by_label("Personal adviser").select_option(label=users["pa"].display_name)
    fill_date(page, "Allocated from", at_16 - datetime.timedelta(days=14))
    page.get_by_role("button", name="Allocate").click()
    assert page.get_by_text("There is a problem").count() == 0

    # 2. The adviser finds her on their caseload.
    page = as_("pa")
    page.goto("/leaving-care/caseload/")
    assert_accessible(page)
    page.get_by_role("link", name="Zara Mills").click()
    assert_accessible(page)

    # 3. The needs assessment within 3 months of 16, then the pathway plan.
    page.get_by_text("Record the needs assessment").click()
    fill_date(page, "Completed on", at_16 + datetime.timedelta(days=40))
    page.get_by_label("What the young person needs").fill("Help with money and cooking.")
    page.get_by_role("button", name="Save the needs assessment").click()
    assert page.get_by_text("There is a problem").count() == 0
    page.get_by_text("Agree a pathway plan").click()
    plan = page.locator("form", has=page.get_by_role("button", name="Save the pathway plan"))
    fill_date(plan, "Plan agreed on", at_16 + datetime.timedelta(days=60))
    for label, text in (
        ("Where you live", "Stay with your carers until 18, then supported lodgings."),
        ("Education, employment and training", "College: health and social care."),
        ("Health and wellbeing", "Register with a GP."),
        ("Money", "Open a bank account."),
        ("Family and relationships", "See your brother every month."),
        ("Identity", "Apply for a passport."),
        ("Practical and life skills", "Cook a meal a week."),
    ):
        plan.get_by_label(label, exact=True).fill(text)
    plan.get_by_role("button", name="Save the pathway plan").click()
    assert page.get_by_text("There is a problem").count() == 0
    assert "Cook a meal a week." in page.get_by_test_id("plan").inner_text()

    # 4. A contact, seen: a case note.
    page.get_by_text("Record a contact").click()
    contact = page.locator("form", has=page.get_by_role("button", name="Record the contact"))
    fill_date(contact, "Date of contact", at_18 + datetime.timedelta(days=3))
    contact.get_by_role("group", name="Was the young person seen?").get_by_label("Yes").check()
    contact.get_by_label("Notes").fill("Moved into her lodgings; settling in.")
    contact.get_by_role("button", name="Record the contact").click()
    assert page.get_by_text("There is a problem").count() == 0
    assert CaseNoteChild.objects.get(person=zara).seen

    # 5. Where she lives, what she does, and in touch before the 19th birthday.
    page.get_by_text("Record where they live").click()
    home = page.locator("form", has=page.get_by_role("button", name="Save where they live"))
    fill_date(home, "From", at_18)
    home.get_by_label("Type of accommodation").select_option("E")
    home.get_by_role("group", name="Is it suitable?").get_by_label("Yes").check()
    home.get_by_role("button", name="Save where they live").click()
    assert page.get_by_text("There is a problem").count() == 0
    page.get_by_text("Record what they do").click()
    work = page.locator("form", has=page.get_by_role("button", name="Save what they do"))
    fill_date(work, "From", at_18)
    work.get_by_label("What they are doing").select_option("F2")
    work.get_by_role("button", name="Save what they do").click()
    assert page.get_by_text("There is a problem").count() == 0
    page.get_by_text("Record whether in touch").click()
    touch = page.locator("form", has=page.get_by_role("button", name="Save whether in touch"))
    fill_date(touch, "On", at_19 - datetime.timedelta(days=10))
    touch.get_by_label("In touch").select_option("YES")
    touch.get_by_role("button", name="Save whether in touch").click()
    assert page.get_by_text("There is a problem").count() == 0

    # 6. The OC3 position at the 19th birthday, from the histories.
    row = page.get_by_test_id("oc3-19").inner_text()
    assert "Former relevant" in row
    assert "(YES)" in row and "(F2)" in row and "(E1)" in row
    assert_accessible(page)
    for username, violations in seen:
        assert not violations, (username, violations)
