"""The whole pathway in Chromium with the README's logins, each landing on its own work:
MASH records a contact about two siblings and decides once for both; the MASH manager
authorises; the district manager allocates; the worker assesses; the manager authorises the
strategy discussion it recommends; the worker holds it and the section 47 enquiry; the chair
records the initial conference and a review that ends the plan; the manager signs off closure;
the administrator creates a user who then signs in. axe-core on every page a role arrives at."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from haven.accounts.models import User
from haven.frontdoor.models import Referral
from haven.people import services as people
from haven.people.models import PersonKind
from haven.protection.models import ChildProtectionPlan
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_protection_journey import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def child(by: User, given: str, born: datetime.date):
    return people.person_create(
        by=by,
        kind=PersonKind.CHILD,
        details={"given_names": given, "family_name": "Rowe", "date_of_birth": born, "sex": "F"},
        team=None,
    )


def test_front_door_to_closure_with_the_readme_logins(browser, live_server, demo_staff):
    _teams, users = demo_staff
    amy = child(users["team.manager"], "Amy", datetime.date(2016, 2, 1))
    ben = child(users["team.manager"], "Ben", datetime.date(2019, 7, 9))
    # The case starts three months ago (Haven's clock, in the server and the test alike), so
    # that the review which ends the plan can be held after the plan started.
    now = timezone.localtime()
    then = now - datetime.timedelta(days=100)
    pages = []

    def as_(username: str):
        _context, page, violations = sign_in(browser, live_server, username)
        assert "/sign-in/" not in page.url, f"{username} could not sign in"
        pages.append((username, violations))
        return page

    with time_machine.travel(then.replace(hour=10, minute=0), tick=True):
        _front_door_to_initial_conference(as_, amy, ben, then.date())
    _review_to_closure(as_, amy, now.date())

    # 9. The administrator creates a user, who then signs in and sets a password.
    _administrator_creates_a_user(as_, browser, live_server)

    for username, violations in pages:
        assert not violations, (username, violations)


def _front_door_to_initial_conference(as_, amy, ben, today):
    # 1. MASH lands on the inbox, records the contact about both children and decides once.
    mash = as_("mash")
    assert mash.get_by_role("heading", level=1, name="MASH inbox").is_visible()
    assert_accessible(mash)
    mash.get_by_role("link", name="Record a contact").click()
    find = mash.get_by_label("Find a child by name, date of birth, NHS number or postcode")
    find.fill("Rowe")
    mash.get_by_role("button", name="Find").click()
    mash.get_by_label("Amy Rowe, born 1 February 2016").check()
    mash.get_by_label("Ben Rowe, born 9 July 2019").check()
    received = mash.get_by_role("group", name="Date received")
    received.get_by_label("Day").fill(str(today.day))
    received.get_by_label("Month").fill(str(today.month))
    received.get_by_label("Year").fill(str(today.year))
    mash.get_by_label("Time received").fill("00:05")
    mash.get_by_role("radio", name="Phone").check()
    mash.get_by_label("Source").select_option("1B")
    mash.get_by_label("Neglect").check()
    mash.get_by_label("What the referrer told us").fill("The children are often left alone.")
    mash.get_by_label("Referrer's name").fill("Pat Neighbour")
    mash.get_by_label("Referrer's phone").fill("01962 000 111")
    mash.get_by_label("Not sought").check()
    mash.get_by_label("Without consent: risk of significant harm").check()
    assert_accessible(mash)
    mash.get_by_role("button", name="Save contact").click()
    assert mash.get_by_role("heading", name="Amy Rowe and Ben Rowe").is_visible()
    contact_url = mash.url
    group = mash.get_by_test_id("group-decision")
    group.get_by_label("Level 3: child in need").check()
    group.get_by_label("Referral to children's social care").check()
    group.get_by_label("Rationale").fill("Neglect reported: both children need an assessment")
    group.get_by_role("button", name="Record decision for the children chosen").click()
    assert mash.get_by_text("Awaiting authorisation").count() == 2
    assert_accessible(mash)

    # 2. The MASH manager lands on what awaits them and authorises both decisions.
    boss = as_("mash.manager")
    assert "Amy Rowe" in boss.get_by_test_id("to-authorise").inner_text()
    assert_accessible(boss)
    boss.goto(contact_url)
    for c in (amy, ben):
        block = boss.get_by_test_id(f"decision-{c.pk}")
        block.get_by_label("Team for the referral").select_option(
            label="Winchester district assessment"
        )
        block.get_by_role("button", name="Authorise decision").click()
    assert set(Referral.objects.values_list("person_id", flat=True)) == {amy.pk, ben.pk}

    # 3. The district manager allocates Amy (her assessment goes with her) to Sam Okafor.
    manager = as_("team.manager")
    manager.get_by_test_id("unallocated").get_by_role("link", name="Amy Rowe").click()
    assert_accessible(manager)
    manager.get_by_label("Worker").select_option(label="Sam Okafor")
    manager.get_by_role("button", name="Allocate").click()
    assert manager.get_by_text("Allocation saved").is_visible()

    # 4. The worker assesses and recommends a strategy discussion; the manager authorises.
    worker = as_("social.worker")
    assert_accessible(worker)
    worker.get_by_test_id("my-work").get_by_role("link", name="Assessment").first.click()
    fill_date(worker, "Date the child was seen", today)
    worker.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
    assert worker.get_by_label("Neglect", exact=True).is_checked(), "the contact's concern"
    worker.get_by_label("Analysis").fill("Left alone overnight; injuries unexplained.")
    worker.get_by_label("Strategy discussion or section 47 enquiry").check()
    worker.get_by_label("Primary need").select_option(label="Abuse or neglect")
    assert_accessible(worker)
    worker.get_by_role("button", name="Save and submit to manager").click()
    manager.goto("/")
    manager.get_by_test_id("to-authorise").get_by_role(
        "link", name="Authorise assessment: strategy discussion recommended"
    ).first.click()
    manager.get_by_role("button", name="Authorise").click()
    assert manager.get_by_text("Assessment authorised", exact=True).is_visible()
    assert_accessible(manager)


    # 5. The worker holds the strategy discussion and the section 47 enquiry.
    worker.goto(f"/people/{amy.pk}/protection/")
    worker.get_by_text("Record a strategy discussion").click()
    fill_date(worker, "Date of the strategy discussion", today)
    worker.get_by_role("group", name="Agencies taking part").get_by_label("Police").check()
    worker.get_by_label("Start a section 47 enquiry").check()
    worker.get_by_role("button", name="Record the strategy discussion").click()
    assert worker.get_by_text("Section 47 enquiry from").is_visible()
    fill_date(worker, "Date the enquiry ended", today)
    worker.get_by_label("Conference needed", exact=True).check()
    worker.get_by_role("button", name="Complete the enquiry").click()
    assert_accessible(worker)
    assert not ChildProtectionPlan.objects.exists()

    # 6. The chair lands on the conferences to hold, and records the initial conference.
    chair = as_("chair")
    assert chair.get_by_role("heading", level=1, name="Conferences").is_visible()
    assert_accessible(chair)
    chair.get_by_test_id("conferences-to-hold").get_by_role("link", name="Amy Rowe").click()
    chair.get_by_text("Record the initial child protection conference").click()
    fill_date(chair, "Date of the conference", today)
    assert chair.get_by_label("Chair").input_value() == str(User.objects.get(username="chair").pk)
    chair.get_by_label("Child protection plan", exact=True).check()
    chair.get_by_label("Category of abuse").select_option("NEG")
    chair.get_by_role("button", name="Record the conference").click()
    assert "Neglect" in chair.get_by_test_id("cp-plan").inner_text()
    assert_accessible(chair)



def _review_to_closure(as_, amy, today):
    # 7. Three months on, the chair records the review that ends the plan.
    chair = as_("chair")
    chair.get_by_test_id("conferences-to-hold").get_by_role("link", name="Amy Rowe").click()
    chair.get_by_text("Record the review conference").click()
    fill_date(chair, "Date of the conference", today)
    chair.get_by_label("End the plan: no longer at risk of significant harm").check()
    chair.get_by_role("button", name="Record the conference").click()
    assert chair.get_by_text("Child protection plan from").first.is_visible()
    plan = ChildProtectionPlan.objects.get(person=amy)
    assert (plan.end_date, plan.end_reason) == (today, "no_longer_at_risk")
    assert_accessible(chair)

    # 8. The worker proposes closing the case; the manager signs it off; Amy leaves the list.
    worker, manager = as_("social.worker"), as_("team.manager")
    worker.goto(f"/people/{amy.pk}/protection/")
    worker.get_by_role("link", name="Close the case").click()
    fill_date(worker, "Closure date", today)
    worker.get_by_label("Reason for closure").select_option("RC7")
    worker.get_by_label("Closure summary").fill("Plan ended at review; the family is supported.")
    worker.get_by_role("button", name="Send to a manager for sign-off").click()
    assert worker.get_by_test_id("pending-closure").is_visible()
    manager.goto("/")
    manager.get_by_test_id("to-authorise").get_by_role(
        "link", name="Sign off closing the case"
    ).click()
    assert_accessible(manager)
    manager.get_by_role("button", name="Sign off and close the case").click()
    assert manager.get_by_text("Closure signed off: the case is closed").is_visible()
    worker.goto("/")
    assert "Amy Rowe" not in worker.locator("main").inner_text()


def _administrator_creates_a_user(as_, browser, live_server):
    admin = as_("admin")
    assert admin.get_by_role("heading", name="Users", level=1).is_visible()
    assert_accessible(admin)
    admin.get_by_role("link", name="Add a user").click()
    admin.get_by_label("First name").fill("Jo")
    admin.get_by_label("Last name").fill("Bloggs")
    admin.get_by_label("Username").fill("jo.bloggs")
    admin.get_by_label("Practitioner", exact=True).check()
    admin.get_by_label("Basingstoke district assessment").check()
    admin.get_by_role("button", name="Create account").click()
    one_time = admin.get_by_test_id("one-time-password").locator("code").inner_text().strip()

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    newcomer = context.new_page()
    newcomer.goto("/")
    newcomer.get_by_label("Username").fill("jo.bloggs")
    newcomer.get_by_label("Password", exact=True).fill(one_time)
    newcomer.get_by_role("button", name="Sign in").click()
    newcomer.get_by_label("New password", exact=True).fill("river lantern orchard 42")
    newcomer.get_by_label("Confirm new password").fill("river lantern orchard 42")
    newcomer.get_by_role("button", name="Save and continue").click()
    assert newcomer.get_by_role("heading", level=1, name="My work").is_visible()
    assert_accessible(newcomer)
