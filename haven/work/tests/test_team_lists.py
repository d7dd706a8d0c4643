"""The manager's lists on "my work": every count is the length of the full list, only the most
urgent are shown, and the children are named (and left out) by need-to-know alone, whichever
provider made the item."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.frontdoor.services import referral_create
from haven.people.models import Allocation, Person, RestrictedAccess
from haven.work.selectors import TEAM_SECTIONS, team_caseloads, team_sections
from haven.work.views import SHOWN_ON_HOME

pytestmark = pytest.mark.django_db


def _refer(child: Person, manager: Any, team: Any, days_ago: int) -> None:
    referral_create(
        person=child,
        by=manager,
        referral_date=timezone.localdate() - datetime.timedelta(days=days_ago),
        source="6",
        team=team,
    )


def _section(page: str, key: str) -> str:
    start = page.index(f'data-testid="{key}"')
    return page[start : page.index("</table>", start)]


@pytest.fixture
def busy_team(manager: Any, teams: Any, make_child: Any) -> dict[str, Person]:
    """20 children with an overdue assessment and an overdue oversight review (their cases
    opened 100 days ago or more), one of them restricted, one restricted with the manager named."""
    children = {}
    for n in range(20):
        child = make_child(given_names=f"Kid{n:02d}")
        _refer(child, manager, teams["assessment"], days_ago=100 + n)
        children[f"kid{n:02d}"] = child
    Allocation.objects.filter(person__in=children.values()).update(
        start_date=timezone.localdate() - datetime.timedelta(days=100)
    )
    Person.objects.filter(pk__in=[children["kid03"].pk, children["kid04"].pk]).update(
        is_restricted=True
    )
    RestrictedAccess.objects.create(person=children["kid04"], user=manager)
    return children


def test_the_managers_counts_are_the_full_lists_and_the_most_urgent_are_shown(
    busy_team: dict[str, Person], manager: Any, as_manager: Any
) -> None:
    sections = team_sections(user=manager)
    # Kid03 is restricted and the manager is not named: on no list, in no count.
    assert len(sections["overdue"]) == 2 * 19  # an assessment and an oversight review each
    for items in sections.values():
        assert not [i for i in items if busy_team["kid03"].pk in {p for p, _ in i.people}]
    page = as_manager.get(reverse("work:home")).content.decode()
    assert "Kid03" not in page
    for key, (heading, _, _) in TEAM_SECTIONS.items():
        count = len(sections[key])
        assert f"{heading} ({count})" in page
        if not count:
            continue
        shown = _section(page, key)
        titles = re.findall(r'<a class="govuk-link" href="[^"]*">([^<]*)</a>', shown)
        assert titles == [i.title for i in sections[key][:SHOWN_ON_HOME]]
        # Oversight reviews are listed without names by their provider: need-to-know names
        # every child shown, restricted ones the manager is named on included.
        for item in sections[key][:SHOWN_ON_HOME]:
            for pid, name in item.people:
                assert name == Person.objects.get(pk=pid).full_name
                assert name in shown
        full = as_manager.get(reverse("work:team_list", args=[key])).content.decode()
        assert f"{heading} ({count})" in full
    assert any(i.person_names == "Kid04 Smith" for i in sections["overdue"])


def test_caseloads_leave_out_restricted_children_only_for_those_not_named(
    busy_team: dict[str, Person], manager: Any, worker: Any
) -> None:
    Allocation.objects.filter(person__in=busy_team.values()).update(worker=worker)
    [row] = team_caseloads(user=manager)
    assert row["children"] == 19  # Kid03 left out; Kid04, the manager being named, counted
