"""Reading what happened: an auditor reads a child's access log in words and filters it; a
worker prints a record that is a print (no edit links, a protective marking)."""

import re

import pytest

from conftest import PASSWORD
from haven.accounts.models import Role
from haven.core.models import AccessLog
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username):
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("signed-in-as").wait_for()


def test_a_worker_prints_a_record_and_an_auditor_reads_who_did_what(
    page, browser, live_server, child, worker, manager, make_user
):
    auditor = make_user(Role.AUDITOR, None, first_name="Ada", last_name="Auditor")
    sign_in(page, worker.username)

    # The worker finds the child from two letters, changes a detail, and prints the record.
    page.goto("/people/search/?q=Jo")
    assert page.get_by_role("link", name="John Smith").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="John Smith").click()
    page.get_by_role("link", name="Change details").click()
    page.get_by_label("Religion").fill("Christian")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.get_by_role("link", name="Print summary").click()
    markings = page.get_by_test_id("protective-marking")
    assert markings.count() == 2 and markings.first.inner_text() == "OFFICIAL-SENSITIVE"
    assert page.get_by_test_id("print-status").is_visible()
    main = page.locator("main")
    assert main.get_by_role("button").count() == 0
    hrefs = main.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if re.search(r"/(edit|new|allocation|merge|restrict)/", h)]
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    assert not page.get_by_role("link", name="Back to the record").is_visible()
    assert markings.first.is_visible()
    page.emulate_media(media="screen")
    assert AccessLog.objects.filter(person_id=child.pk, user=worker, action="print").count() == 1

    # The manager opens the record too.
    manager_context = browser.new_context(base_url=live_server.url)
    manager_page = manager_context.new_page()
    sign_in(manager_page, manager.username)
    manager_page.goto(f"/people/{child.pk}/")
    manager_context.close()

    # The auditor reads the log in words and narrows it to the worker.
    auditor_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    audit = auditor_context.new_page()
    sign_in(audit, auditor.username)
    audit.goto(f"/people/{child.pk}/")
    audit.get_by_role("link", name="Access and changes").click()
    log = audit.get_by_test_id("access-log").inner_text()
    assert "Sam Okafor (practitioner) printed the record" in log
    assert "Sam Okafor (practitioner) set the religion to Christian" in log
    assert "Tom Hughes (team manager) viewed the record" in log
    assert "people_person" not in log and not re.search(r"\d{4}-\d{2}-\d{2}T", log)
    assert_accessible(audit)
    audit.get_by_role("combobox", name=re.compile("^Who")).select_option(
        label="Sam Okafor (practitioner)"
    )
    audit.get_by_role("button", name="Apply filters").click()
    log = audit.get_by_test_id("access-log").inner_text()
    assert "Sam Okafor" in log and "Tom Hughes" not in log
    assert_accessible(audit)
    with audit.expect_download() as download:
        audit.get_by_test_id("access-log-csv").click()
    assert "Sam Okafor" in download.value.path().read_text()
    auditor_context.close()
