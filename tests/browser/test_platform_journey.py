import pytest

from conftest import PASSWORD
from haven.core.models import AccessLog
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username):
    page.goto("/")
    assert "/sign-in/" in page.url
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_a_practitioner_finds_a_child_adds_one_and_a_manager_sees_the_access_log(
    page, browser, live_server, child, worker, manager
):
    sign_in(page, worker.username)
    assert page.get_by_role("heading", name="My work").is_visible()
    assert_accessible(page)

    # Search with a misspelt name.
    page.get_by_role("link", name="Search").first.click()
    page.get_by_label("Name, date of birth, NHS number, UPN or postcode").fill("Jon Smyth")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("link", name="John Smith").is_visible()
    assert_accessible(page)

    # Create a child: the duplicate warning comes first.
    page.get_by_role("link", name="Add a child").first.click()
    assert_accessible(page)
    page.get_by_label("Given names").fill("Jon")
    page.get_by_label("Family name").fill("Smyth")
    dob = page.get_by_role("group", name="Date of birth", exact=True)
    dob.get_by_label("Day").fill("12")
    dob.get_by_label("Month").fill("3")
    dob.get_by_label("Year").fill("2015")
    page.get_by_label("Male", exact=True).check()
    page.get_by_role("button", name="Create record").click()
    banner = page.get_by_test_id("duplicates")
    assert "John Smith" in banner.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="None of these: create a new record").click()
    assert page.get_by_role("heading", name="Jon Smyth", level=1).is_visible()
    assert_accessible(page)

    # Bad input is explained field by field, and nothing is lost.
    page.get_by_role("link", name="Add a new address").click()
    page.get_by_label("Address line 1").fill("14 Station Road")
    page.get_by_label("Postcode").fill("NOT VALID")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_label("Address line 1").input_value() == "14 Station Road"
    assert_accessible(page)
    page.get_by_label("Postcode").fill("SO23 8UJ")
    page.get_by_role("button", name="Save").click()

    # The chronology tells the story from the records.
    page.get_by_role("link", name="Chronology").click()
    timeline = page.get_by_test_id("chronology")
    assert "Record created for Jon Smyth" in timeline.inner_text()
    assert "Moved to 14 Station Road" in timeline.inner_text()
    assert_accessible(page)
    child_url = page.url.replace("chronology/", "")

    # The manager sees who has seen the record.
    manager_context = browser.new_context(base_url=live_server.url)
    manager_page = manager_context.new_page()
    sign_in(manager_page, manager.username)
    manager_page.goto(child_url)
    manager_page.get_by_role("link", name="Access and changes").click()
    log = manager_page.get_by_test_id("access-log").inner_text()
    assert f"{worker.display_name} (practitioner) viewed the record" in log
    assert_accessible(manager_page)
    manager_context.close()
    assert AccessLog.objects.filter(user=worker, action="search", detail="Jon Smyth").exists()
