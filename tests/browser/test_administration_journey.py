import re

import pytest

from conftest import PASSWORD
from haven.accounts.models import Role
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username, password):
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/")


def test_an_administrator_creates_a_user_who_signs_in_then_disables_them(page, make_user, teams):
    admin = make_user(Role.ADMINISTRATOR, None, first_name="Ali", last_name="Morgan")
    sign_in(page, admin.username, PASSWORD)
    page.get_by_test_id("administration-link").click()
    assert page.get_by_role("heading", name="Users", level=1).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a user").click()
    page.get_by_role("button", name="Create account").click()
    assert page.title().startswith("Error: ")
    assert page.get_by_text("Enter the first name").first.is_visible()
    assert_accessible(page)
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Bloggs")
    page.get_by_label("Username").fill("jo.bloggs")
    page.get_by_label("Job title (optional)").fill("Social worker")
    page.get_by_label("Practitioner", exact=True).check()
    page.get_by_label("Winchester assessment").check()
    page.get_by_role("button", name="Create account").click()
    one_time = page.get_by_test_id("one-time-password").locator("code").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", one_time)
    assert page.get_by_role("heading", name="Jo Bloggs", level=1).is_visible()
    assert page.get_by_text("Ali Morgan created the account").is_visible()
    assert_accessible(page)
    sign_out(page)

    # The new user signs in with the one-time password and must choose their own.
    sign_in(page, "jo.bloggs", one_time)
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("river lantern orchard 42")
    page.get_by_label("Confirm new password").fill("river lantern orchard 42")
    page.get_by_role("button", name="Save and continue").click()
    assert page.get_by_text("Your new password is set").is_visible()
    assert page.get_by_test_id("signed-in-as").inner_text().endswith("Jo Bloggs")
    sign_out(page)

    # The administrator disables them: they can no longer sign in.
    sign_in(page, admin.username, PASSWORD)
    page.get_by_test_id("administration-link").click()
    page.get_by_label("Name or username (optional)").fill("bloggs")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Jo Bloggs").click()
    assert not page.get_by_text("Never").is_visible()  # they have signed in
    page.get_by_role("button", name="Disable account").click()
    assert page.get_by_text("Jo Bloggs's account is disabled").is_visible()
    assert page.get_by_text("Ali Morgan disabled the account").is_visible()
    assert_accessible(page)
    sign_out(page)
    sign_in(page, "jo.bloggs", "river lantern orchard 42")
    assert page.get_by_text("Enter a correct username and password").first.is_visible()
