"""Real journeys in Debian's Chromium, driven by Playwright, with axe-core on every page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from haven.accounts.models import Membership, Team, User
from haven.synthetic.staff import DEMO_PASSWORD, EXPLOITATION_TEAM, TEAMS, USERS

# Playwright's sync API runs an event loop in the test thread; the test's own database set-up
# is still ordinary synchronous code, so Django's async guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Chromium reports anything the Content-Security-Policy blocks on the console: every
    # journey fails if a page needed an inline script or style.
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not violations, violations


def assert_accessible(page: Any) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"{page.url}: " + "; ".join(serious)


@pytest.fixture
def demo_staff(db):
    """The README's logins, with their teams, made from the demo county's own table."""
    willow = tuple(str(EXPLOITATION_TEAM[key]) for key in ("name", "kind", "area"))
    teams = {
        name: Team.objects.create(name=name, kind=kind, area=area)
        for name, kind, area in [*TEAMS, willow]
    }
    users = {}
    for username, first, last, role, team_names, title in USERS:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            role=role,
            job_title=title,
        )
        for name in team_names:
            Membership.objects.create(user=user, team=teams[name])
        users[username] = user
    return teams, users


def sign_in(browser, live_server, username: str):
    """Sign in with a README login (the demo password); the page, its context and the
    Content-Security-Policy violations Chromium reports."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return context, page, violations
