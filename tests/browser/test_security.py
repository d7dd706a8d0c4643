"""The strict Content-Security-Policy leaves every enhancement working (the page fixture also
fails any journey on a CSP report in the console)."""

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_work_under_the_policy_and_the_qr_code_renders(page, worker, child):
    reports: list[str] = []
    page.on("console", lambda message: reports.append(message.text))
    page.goto("/")
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")

    page.goto(f"/people/{child.pk}/")
    # GOV.UK Frontend and htmx started from static files, with no inline script or style.
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("document.querySelectorAll('style, [style]').length") == 0

    page.goto("/account/two-factor/setup/")
    qr = page.locator(".haven-qr svg")
    box = qr.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    assert page.evaluate("document.querySelector('.haven-qr svg path').getTotalLength()") > 0
    assert not [r for r in reports if "Content Security Policy" in r], reports
