"""Every README login signs in to its own work, with the header links its role uses.

The logins are made from the same table as the demo county's (haven/synthetic/staff.py), so a
login added there without a landing or a link shows up here.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import record_contact
from haven.accounts.models import Team
from haven.assessments.services import assessment_allocate
from haven.frontdoor.services import contact_assign, decision_record, referral_create
from haven.people import services as people
from haven.people.models import PersonKind
from haven.synthetic.staff import USERS
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each README login lands on (its h1) and the header links it must have, in order.
EXPECTED = {
    "social.worker": ("My work", ["Search", "My work", "Supervision", "Alerts"]),
    "social.worker2": ("My work", ["Search", "My work", "Supervision", "Alerts"]),
    "cp.worker": ("My work", ["Search", "My work", "Supervision", "Alerts"]),
    "cla.worker": ("My work", ["Search", "My work", "Supervision", "Adopters", "Alerts"]),
    "exploitation.worker": (
        "My work",
        ["Search", "My work", "Supervision", "Exploitation", "Alerts"],
    ),
    "pa": ("My work", ["Search", "My work", "Supervision", "My care leavers", "Alerts"]),
    "team.manager": (
        "My work",
        [
            "Search",
            "My work",
            "Supervision",
            "Adopters",
            "Performance",
            "Annex A",
            "Returns",
            "Placements",
            "Alerts",
        ],
    ),
    "mash": ("MASH inbox", ["Search", "My work", "MASH inbox", "Supervision", "Alerts"]),
    "mash.manager": (
        "My work",
        [
            "Search",
            "My work",
            "MASH inbox",
            "Supervision",
            "Performance",
            "Annex A",
            "Returns",
            "Placements",
            "Alerts",
        ],
    ),
    "chair": (
        "Conferences",
        ["Search", "My work", "Conferences", "Looked-after reviews", "Alerts"],
    ),
    "analyst": (None, ["Performance", "Annex A", "Returns", "Placements", "Alerts"]),
    "auditor": (
        "Audit",
        ["Search", "Audit", "Performance", "Annex A", "Returns", "Placements", "Alerts"],
    ),
    "admin": ("Users", ["Placements", "Users and teams", "Letter templates", "Alerts"]),
}


@pytest.fixture
def live_work(demo_staff):
    """A little live work: an assessment allocated to social.worker, a child with no named
    worker, and a MASH contact whose decision awaits the MASH manager."""
    teams, users = demo_staff
    manager, district = users["team.manager"], teams["Winchester district assessment"]

    def child(given: str, team: Team | None) -> object:
        return people.person_create(
            by=manager,
            kind=PersonKind.CHILD,
            details={
                "given_names": given,
                "family_name": "Rowe",
                "date_of_birth": datetime.date(2016, 2, 1),
                "sex": "F",
            },
            team=team,
        )

    for given, worker in (("Amy", users["social.worker"]), ("Ben", None)):
        referral = referral_create(
            person=child(given, district),
            by=manager,
            referral_date=timezone.localdate(),
            source="6",
            team=district,
        )
        if worker is not None:
            assessment_allocate(assessment=referral.assessments.get(), worker=worker, by=manager)
    mash, front_door = users["mash"], teams["MASH (front door)"]
    contact = record_contact(mash, front_door, [child("Cara", None)])
    contact_assign(contact=contact, worker=mash, by=users["mash.manager"])
    decision_record(
        contact_child=contact.children.get(),
        by=mash,
        level_of_need=3,
        outcome="referral",
        rationale="Needs a child and family assessment",
    )
    return users


def header_links(page, counts: bool = False) -> list[str]:
    """The header's links; "Alerts (3)" read as "Alerts" unless ``counts``."""
    texts = [
        " ".join(text.split())
        for text in page.locator("#navigation .govuk-service-navigation__link").all_inner_texts()
        if text.strip() and text.strip() != "Sign out"
    ]
    return texts if counts else [re.sub(r"^Alerts \(\d+\)$", "Alerts", t) for t in texts]


def test_every_readme_login_lands_on_its_work_with_its_links(browser, live_server, live_work):
    assert set(EXPECTED) == {row[0] for row in USERS}, "a README login has no expectation here"
    for username, (heading, links) in EXPECTED.items():
        context, page, violations = sign_in(browser, live_server, username)
        assert "/sign-in/" not in page.url, f"{username} could not sign in"
        if heading is not None:
            assert page.get_by_role("heading", level=1, name=heading).is_visible(), username
        assert header_links(page) == links, username
        assert_accessible(page)

        if username == "analyst":
            assert page.url.endswith(reverse("performance:front_door"))
        elif username == "admin":
            assert page.url.endswith(reverse("administration:users"))
        elif username == "social.worker":
            assert "Amy Rowe" in page.get_by_test_id("my-work").inner_text()
            assert "Amy Rowe" in page.get_by_test_id("caseload").inner_text()
            # Told of the case and the assessment allocated to them.
            assert "Alerts (2)" in header_links(page, counts=True)
        elif username == "team.manager":
            assert "Ben Rowe" in page.locator("ul[data-testid=unallocated]").inner_text()
            assert "Sam Okafor" in page.get_by_test_id("caseloads").inner_text()
        elif username == "mash":
            assert "Cara Rowe" in page.locator("main").inner_text()
            assert "Alerts (1)" in header_links(page, counts=True)  # the contact assigned
        elif username == "mash.manager":
            to_authorise = page.get_by_test_id("to-authorise").inner_text()
            assert "Cara Rowe" in to_authorise
            # The alert says a decision awaits them, and opens the contact.
            page.get_by_test_id("alerts-link").click()
            assert page.get_by_role("heading", level=1, name="Alerts").is_visible()
            assert_accessible(page)
            page.get_by_role("link", name="a decision by Maya Ashworth awaits").click()
            assert "/front-door/contacts/" in page.url
            assert "Alerts" in header_links(page)
        elif username == "auditor":
            assert page.get_by_label("Find a record to audit").is_visible()
        context.close()
        assert not violations, violations
