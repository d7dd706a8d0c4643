import datetime

import pytest

from conftest import PASSWORD
from haven.accounts.models import Membership, Role
from haven.assessments.models import Assessment
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def test_a_police_contact_about_two_siblings_reaches_an_authorised_assessment(
    browser, live_server, make_user, make_child, manager, worker, teams
):
    Membership.objects.create(user=manager, team=teams["front_door"])
    mash = make_user(Role.MASH_PRACTITIONER, "front_door", first_name="Maya", last_name="Ashworth")
    amy = make_child(given_names="Amy", family_name="Rowe", date_of_birth=datetime.date(2016, 2, 1), team=None)
    ben = make_child(given_names="Ben", family_name="Rowe", date_of_birth=datetime.date(2019, 7, 9), team=None)

    # The MASH practitioner records the police contact, finding both children by name.
    page = sign_in(browser, live_server, mash)
    page.goto("/front-door/")
    assert_accessible(page)
    page.get_by_role("link", name="Record a contact").click()
    # Typed once the page has loaded (htmx listens from then; before it, the Find button works).
    page.wait_for_load_state()
    page.get_by_label("Find a child by name, date of birth, NHS number or postcode").fill("Rowe")
    # Matches appear as they type (htmx), before any button is pressed...
    page.locator("#child-matches").get_by_text("Amy Rowe").wait_for()
    # ...and the Find button gives the same without JavaScript.
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Amy Rowe, born 1 February 2016").check()
    page.get_by_label("Ben Rowe, born 9 July 2019").check()
    today = datetime.date.today()
    received = page.get_by_role("group", name="Date received")
    received.get_by_label("Day").fill(str(today.day))
    received.get_by_label("Month").fill(str(today.month))
    received.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Time received").fill("00:05")
    page.get_by_role("radio", name="Phone").check()
    page.get_by_label("Source").select_option("6")
    page.get_by_label("Domestic abuse").check()
    page.get_by_label("What the referrer told us").fill("Police called to a domestic incident; both children present.")
    page.get_by_label("Referrer's name").fill("PC Dale")
    page.get_by_label("Not sought").check()
    page.get_by_label("Without consent: risk of significant harm").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save contact").click()
    assert page.get_by_role("heading", name="Amy Rowe and Ben Rowe").is_visible()
    assert_accessible(page)

    # A police check, answered; then a decision for each child.
    page.get_by_text("Request a check from an agency").click()
    page.get_by_label("Agency").select_option("police")
    page.get_by_label("Amber: within 1 working day").check()
    page.get_by_label("Why sharing is justified").fill("Children may be at risk of significant harm")
    page.get_by_role("button", name="Request check").click()
    page.get_by_label("What the agency told us").fill("Three previous call-outs this year.")
    page.get_by_role("button", name="Record response from Police").click()
    assert "Three previous call-outs" in page.get_by_test_id("checks").inner_text()
    for child in (amy, ben):
        block = page.get_by_test_id(f"decision-{child.pk}")
        block.get_by_label("Level 3: child in need").check()
        block.get_by_label("Referral to children's social care").check()
        block.get_by_label("Rationale").fill("Repeated domestic abuse: needs an assessment")
        block.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("Awaiting authorisation").count() == 2
    assert_accessible(page)
    contact_url = page.url

    # The manager authorises both and allocates the assessments.
    boss = sign_in(browser, live_server, manager)
    assert "Authorise contact" in boss.get_by_test_id("to-authorise").inner_text()
    assert_accessible(boss)
    boss.goto(contact_url)
    for child in (amy, ben):
        block = boss.get_by_test_id(f"decision-{child.pk}")
        block.get_by_label("Team for the referral").select_option(label=teams["assessment"].name)
        block.get_by_role("button", name="Authorise decision").click()
    assessment = Assessment.objects.get(person=amy)
    boss.goto(f"/assessments/{assessment.pk}/")
    boss.get_by_label("Worker").select_option(label=worker.display_name)
    boss.get_by_role("button", name="Allocate").click()

    # The worker sees it in "my work", completes and submits it.
    sw = sign_in(browser, live_server, worker)
    mine = sw.get_by_test_id("my-work")
    assert "Amy Rowe" in mine.inner_text()
    assert_accessible(sw)
    mine.get_by_role("link", name="Assessment").first.click()
    seen = sw.get_by_role("group", name="Date the child was seen")
    seen.get_by_label("Day").fill(str(today.day))
    seen.get_by_label("Month").fill(str(today.month))
    seen.get_by_label("Year").fill(str(today.year))
    sw.get_by_role("group", name="Was the child seen alone? (optional)").get_by_label("Yes").check()
    sw.get_by_label("Domestic abuse: a parent or carer is subject to it").check()
    sw.get_by_label("Analysis").fill("Mother wants support; the children are safe with a plan.")
    sw.get_by_label("Child in need plan").check()
    sw.get_by_label("Primary need").select_option(label="Family in acute stress")
    assert_accessible(sw)
    sw.get_by_role("button", name="Save and submit to manager").click()
    assert sw.get_by_text("Awaiting authorisation").first.is_visible()

    # The manager authorises; both children's chronologies tell the story.
    boss.goto("/")
    boss.get_by_test_id("to-authorise").get_by_role("link", name="Authorise assessment").click()
    boss.get_by_label("Manager's comments").fill("Agreed: child in need plan")
    boss.get_by_role("button", name="Authorise").click()
    assert boss.get_by_text("Authorised", exact=True).first.is_visible()
    boss.goto(f"/people/{amy.pk}/chronology/")
    story = boss.get_by_test_id("chronology").inner_text()
    for entry in ("Contact from police", "MASH check requested from police", "Police responded",
                  "Decision: referral", "Referral to children's social care",
                  "Child and family assessment started", "Assessment authorised: child in need plan"):
        assert entry in story, entry
    assert_accessible(boss)
    boss.goto(f"/people/{ben.pk}/chronology/")
    assert "Referral to children's social care" in boss.get_by_test_id("chronology").inner_text()
