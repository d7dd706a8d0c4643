"""An analyst reads the front-door figures as charts and follows a point to the children behind
it; a manager sees the child protection charts. No CSP report (the page fixture fails on one),
axe-clean."""

import pytest

from conftest import PASSWORD
from haven.accounts.models import Role
from haven.performance.tests.conftest import analyst, front_door  # noqa: F401
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    """On the ``page`` fixture, which fails the test on any Content-Security-Policy report."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def test_an_analyst_follows_a_chart_point_to_the_children(page, front_door, analyst):  # noqa: F811
    sign_in(page, analyst)
    page.goto("/performance/front-door/?year=2020")
    charts = page.get_by_test_id("charts")
    assert charts.locator("svg").count() == 8
    chart = charts.locator('figure[data-measure="children_contacted"]')
    assert chart.locator("svg").is_visible()
    # The chart is styled from the stylesheet: the line is drawn, not filled black.
    line = chart.locator(".serie-0 path.line").first
    assert line.evaluate("e => getComputedStyle(e).fill") == "none"
    assert_accessible(page)

    chart.get_by_role("link", name="Children contacted, June 2019: 2 (list the children)").click()
    page.wait_for_url("**/performance/front-door/list/**")
    assert page.get_by_test_id("row-count").inner_text().startswith("2 rows")
    assert_accessible(page)


def test_a_manager_sees_the_child_protection_charts(page, make_user):
    manager = make_user(Role.TEAM_MANAGER, "assessment", first_name="Mo", last_name="Nager")
    sign_in(page, manager)
    page.goto("/performance/child-protection/?year=2020")
    chart = page.get_by_test_id("charts").locator(
        'figure[data-measure="children_on_cpp_per_10000"]'
    )
    assert "England, about 41 per 10,000" in chart.inner_text()
    assert_accessible(page)
