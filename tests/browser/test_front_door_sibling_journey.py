"""The MASH worker records a contact about two siblings (finding them one after the other
without losing a tick), adds the baby nobody knew of, decides once for the pair with the baby
as the exception; the MASH manager returns one decision, the worker decides again, and the
manager authorises them all."""

import datetime

import pytest

from conftest import PASSWORD
from haven.accounts.models import Role
from haven.core.calendar import calendar
from haven.frontdoor.models import Contact, Referral
from haven.people import services as people
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, user, violations):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def test_a_sibling_group_decided_once_returned_and_authorised(
    browser, live_server, make_user, make_child, teams
):
    violations: list[str] = []
    mash = make_user(Role.MASH_PRACTITIONER, "front_door", first_name="Maya", last_name="Shah")
    boss = make_user(Role.TEAM_MANAGER, "front_door", first_name="Mo", last_name="Ali")
    amy = make_child(given_names="Amy", family_name="Rowe", date_of_birth=datetime.date(2016, 2, 1), team=None)
    ben = make_child(given_names="Ben", family_name="Rowe", date_of_birth=datetime.date(2019, 7, 9), team=None)
    people.address_add(
        person=amy, by=boss,
        address=people.AddressData(line_1="1 High Street", town="Winchester", postcode="SO23 8UJ"),
    )

    page = sign_in(browser, live_server, mash, violations)
    page.goto("/front-door/contacts/new/")
    find = page.get_by_label("Find a child by name, date of birth, NHS number or postcode")
    page.get_by_label("What the referrer told us").fill("Neighbour heard the children screaming.")
    # Enter in the find box finds (with JavaScript, in place): the contact is not submitted.
    page.evaluate("window.stillHere = true")
    find.fill("Amy Rowe")
    find.press("Enter")
    page.get_by_label("Amy Rowe, born 1 February 2016").check()
    assert page.evaluate("window.stillHere === true"), "Enter submitted the form"
    # Searching for her brother keeps Amy ticked.
    find.fill("Ben Rowe")
    page.locator("#child-matches").get_by_text("Ben Rowe, born 9 July 2019").wait_for()
    assert page.get_by_label("Amy Rowe, born 1 February 2016").is_checked()
    page.get_by_label("Ben Rowe, born 9 July 2019").check()
    find.press("Enter")
    page.locator("#child-matches").get_by_text("Ben Rowe, born 9 July 2019").wait_for()
    assert page.evaluate("window.stillHere === true"), "Enter submitted the form"
    assert page.get_by_text("There is a problem").count() == 0
    # The Find button (what works without JavaScript) draws the page again: no errors, the
    # ticks and what was typed kept.
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Save contact").wait_for()
    assert page.get_by_text("There is a problem").count() == 0
    assert page.get_by_label("Amy Rowe, born 1 February 2016").is_checked()
    assert page.get_by_label("Ben Rowe, born 9 July 2019").is_checked()
    assert "screaming" in page.get_by_label("What the referrer told us").input_value()
    assert_accessible(page)
    today = datetime.date.today()
    received = page.get_by_role("group", name="Date received")
    received.get_by_label("Day").fill(str(today.day))
    received.get_by_label("Month").fill(str(today.month))
    received.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Time received").fill("00:05")
    page.get_by_role("radio", name="Phone").check()
    page.get_by_label("Source").select_option("1B")
    page.get_by_label("Immediate: child at risk now").check()
    page.get_by_label("Neglect").check()
    page.get_by_label("Referrer's name").fill("Pat Neighbour")
    page.get_by_label("Referrer's phone").fill("01962 000 111")
    page.get_by_label("Not sought").check()
    page.get_by_label("Without consent: risk of significant harm").check()
    page.get_by_role("button", name="Save contact").click()
    assert page.get_by_role("heading", name="Amy Rowe and Ben Rowe").is_visible()
    contact = Contact.objects.get()
    # Immediate: due the working day it arrived (the next one, if it came in on a day off).
    assert contact.decision_due == calendar().add_working_days(today, 0)
    assert "Not known to children's social care" in page.get_by_test_id(f"history-{amy.pk}").inner_text()

    # The baby the neighbour mentioned: added at the family's address, linked to both.
    page.get_by_text("Add a child who is not known to this contact").click()
    add = page.get_by_test_id("add-child")
    add.get_by_label("Given names").fill("Cal")
    add.get_by_label("Family name").fill("Rowe")
    add.get_by_role("button", name="Add child").click()
    assert page.get_by_text("Child added to the contact").is_visible()
    cal = contact.children.get(person__given_names="Cal").person
    assert cal.addresses.get().postcode == "SO23 8UJ"

    # One decision for Amy and Ben; Cal, the exception, decided on his own.
    group = page.get_by_test_id("group-decision")
    group.get_by_label("Cal Rowe").uncheck()
    group.get_by_label("Level 3: child in need").check()
    group.get_by_label("Referral to children's social care").check()
    group.get_by_label("Rationale").fill("Neglect reported by a neighbour: needs an assessment")
    assert_accessible(page)
    group.get_by_role("button", name="Record decision for the children chosen").click()
    block = page.get_by_test_id(f"decision-{cal.pk}")
    block.get_by_label("Level 2: early help").check()
    block.get_by_label("Early help", exact=True).check()
    block.get_by_label("Rationale").fill("A baby: health visitor and early help")
    block.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("Awaiting authorisation").count() == 3
    contact_url = page.url

    # The MASH manager sees it waiting, and returns Amy's decision with a comment.
    manager = sign_in(browser, live_server, boss, violations)
    manager.goto("/front-door/?status=awaiting")
    assert "Amy Rowe" in manager.get_by_test_id("inbox").inner_text()
    assert_accessible(manager)
    manager.goto(contact_url)
    amy_block = manager.get_by_test_id(f"decision-{amy.pk}")
    amy_block.get_by_text("Return the decision to the worker").click()
    amy_block.get_by_label("Why you are returning the decision").fill("Speak to Amy's school first")
    amy_block.get_by_role("button", name="Return decision").click()
    assert manager.get_by_text("returned to the worker").is_visible()

    # The worker sees it returned, with the comment, and decides again.
    page.goto("/front-door/?status=returned")
    assert "Returned" in page.get_by_test_id("inbox").inner_text()
    page.goto(contact_url)
    returned = page.get_by_test_id(f"returned-{amy.pk}")
    assert "Speak to Amy's school first" in returned.inner_text()
    assert_accessible(page)
    amy_block = page.get_by_test_id(f"decision-{amy.pk}")
    amy_block.get_by_label("Level 3: child in need").check()
    amy_block.get_by_label("Referral to children's social care").check()
    amy_block.get_by_label("Rationale").fill("School confirms concerns: needs an assessment")
    amy_block.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("Awaiting authorisation").count() == 3

    # The manager authorises all three; the referrals go to the assessment team.
    manager.goto(contact_url)
    for child in (amy, ben):
        block = manager.get_by_test_id(f"decision-{child.pk}")
        block.get_by_label("Team for the referral").select_option(label=teams["assessment"].name)
        block.get_by_role("button", name="Authorise decision").click()
    manager.get_by_test_id(f"decision-{cal.pk}").get_by_role("button", name="Authorise decision").click()
    assert manager.get_by_text("Complete").first.is_visible()
    assert set(Referral.objects.values_list("person_id", flat=True)) == {amy.pk, ben.pk}
    assert "Feedback not sent" in manager.get_by_test_id(f"feedback-{cal.pk}").inner_text()
    assert_accessible(manager)
    assert not violations, violations
