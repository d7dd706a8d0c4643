"""Each role lands on its work after signing in ("/"), through the landing registry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from haven.accounts.models import Role
from haven.core.models import AccessAction, AccessLog
from haven.people.models import Person
from haven.people.services import break_glass_grant
from haven.work import landing

pytestmark = pytest.mark.django_db


def lands_on(user) -> str:
    response = client_for(user).get("/")
    if response.status_code == 302:
        return response["Location"]
    assert response.status_code == 200
    return response.request["PATH_INFO"]


def test_each_role_lands_on_its_own_work(make_user):
    assert lands_on(make_user(Role.PRACTITIONER, "assessment")) == "/"
    assert lands_on(make_user(Role.TEAM_MANAGER, "assessment")) == "/"
    assert lands_on(make_user(Role.MASH_PRACTITIONER, "front_door")) == reverse("frontdoor:inbox")
    # The MASH manager's work is what awaits authorisation: the manager's view.
    assert lands_on(make_user(Role.TEAM_MANAGER, "front_door")) == "/"
    assert lands_on(make_user(Role.AUDITOR, None)) == reverse("work:audit")
    assert lands_on(make_user(Role.PERFORMANCE_ANALYST, None)) == reverse("performance:front_door")
    assert lands_on(make_user(Role.ADMINISTRATOR, None)) == reverse("administration:users")


def test_a_manager_lands_on_the_teams_lists(as_manager):
    page = as_manager.get("/").content.decode()
    for heading in ("Awaiting your authorisation", "Overdue in your teams", "Unallocated work"):
        assert heading in page


def test_a_landing_whose_page_is_not_installed_is_passed_over(make_user):
    analyst = make_user(Role.PERFORMANCE_ANALYST, None)
    landing.register_landing(url_name="nowhere:at_all", order=1, applies=lambda user: True)
    try:
        assert landing.landing_url_name(analyst) == "performance:front_door"
    finally:
        del landing._landings[(1, "nowhere:at_all")]


def test_the_start_page_lists_the_roles_links(make_user):
    page = client_for(make_user(Role.ADMINISTRATOR, None)).get(reverse("work:start"))
    html = page.content.decode()
    listed = html.split('data-testid="start-links"', 1)[1].split("</ul>", 1)[0]
    assert "Returns" not in listed and "Alerts (0)" in listed


def test_the_auditor_sees_emergency_access_to_review_but_not_restricted_children(
    make_user, child, make_child, outsider
):
    break_glass_grant(user=outsider, person_id=child.pk, reason="Police at the door tonight")
    hidden = make_child(given_names="Hidden")
    Person.objects.filter(pk=hidden.pk).update(is_restricted=True)
    AccessLog.objects.create(
        user=outsider, username=outsider.username, action=AccessAction.REFUSED, person_id=hidden.pk
    )
    page = client_for(make_user(Role.AUDITOR, None)).get("/", follow=True).content.decode()
    assert '<h1 class="govuk-heading-l">Audit</h1>' in page
    rows = page.split('data-testid="access-of-note"', 1)[1].split("</table>", 1)[0]
    assert "Police at the door tonight" in rows and "John Smith" in rows
    assert "Emergency access granted" in rows and "Refused access" in rows
    assert reverse("people:access_log", args=[child.pk]) in rows
    assert "Hidden" not in page and f"/people/{hidden.pk}/" not in page
