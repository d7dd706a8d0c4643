"""Leaving-care items on "my work" and the manager's view: the needs assessment (within 3 months
of the 16th birthday or of becoming eligible), a personal adviser by 16, the pathway plan
review (at most 6 months apart) and the personal adviser's contact (``HAVEN_PA_CONTACT_WEEKS``,
within 7 days of a move, before each review). Mine: the young people whose case I hold or whose
adviser I am; a manager's: those of their teams' cases and advisers (six queries: their ids,
then five). The personal adviser owns the assessment, the plan's review and the contacts;
with no adviser yet they are unallocated work on the manager's view."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from haven.accounts.models import Membership, User
from haven.core.lookups import AnyOf
from haven.leavingcare import selectors
from haven.leavingcare.eligibility import birthday
from haven.leavingcare.models import AdviserAllocation
from haven.people.access import user_team_ids
from haven.people.models import Allocation
from haven.work.items import Scope, WorkItem, url_maker

# A young person's personal adviser now (the work store keeps the items of every young person
# with one, not only of the open cases).
ADVISED = (AdviserAllocation, Q(end_date__isnull=True))


def _advised_by_teams(user: User) -> QuerySet[AdviserAllocation]:
    members = Membership.objects.filter(team_id__in=user_team_ids(user)).values("user_id")
    return AdviserAllocation.objects.filter(ADVISED[1], adviser_id__in=members)


def _people(user: User, scope: Scope) -> Q:
    """Mine: cases I hold, young people I advise; a manager's: their teams' (as ``held_by``)."""
    held = Allocation.objects.filter(end_date__isnull=True)
    if scope is Scope.MINE:
        advisers = AdviserAllocation.objects.filter(ADVISED[1], adviser=user)
        held = held.filter(worker=user)
    else:
        advisers = _advised_by_teams(user)
        held = held.filter(team_id__in=user_team_ids(user))
    # Their ids first, in one UNION: "in these, or in those" on the people table would make
    # the planner read every person in the county.
    ids = held.values_list("person_id", flat=True).union(
        advisers.values_list("person_id", flat=True)
    )
    found = list(ids)
    # None: an empty list, which Django answers without a query.
    return Q(AnyOf(F("pk"), found)) if found else Q(pk__in=[])


def leaving_care_items(user: User, scope: Scope) -> list[WorkItem]:
    return _items(_people(user, scope))


def items_of_cases(held: dict[int, str]) -> list[WorkItem]:
    """The items of these young people, whoever holds or advises them: the work store's."""
    return _items(Q(AnyOf(F("pk"), held)) if held else Q(pk__in=[]))


def advised_by_teams(user: User) -> list[int]:
    """The young people advised by someone in the user's teams (as ``_people``)."""
    return list(_advised_by_teams(user).values_list("person_id", flat=True))


def _items(whose: Q) -> list[WorkItem]:
    url = url_maker("leavingcare:tab")
    items = []
    for row in selectors.due_rows(whose):
        people = ((row.person_id, row.name),)
        if row.assessment_due is not None:
            items.append(
                WorkItem(
                    "Leaving care",
                    "Needs assessment",
                    row.assessment_due,
                    url(row.person_id),
                    people,
                    row.adviser_name,
                )
            )
        if row.eligibility.entitled and row.adviser_from is None and row.born is not None:
            items.append(
                WorkItem(
                    "Leaving care",
                    "Allocate a personal adviser",
                    birthday(row.born, 16),
                    url(row.person_id),
                    people,
                )
            )
        if row.review_due is not None:
            items.append(
                WorkItem(
                    "Leaving care",
                    "Pathway plan review",
                    row.review_due,
                    url(row.person_id),
                    people,
                    row.adviser_name,
                )
            )
        if row.contact_due is not None:
            items.append(
                WorkItem(
                    "Leaving care",
                    f"Personal adviser contact ({row.contact_due.rule})",
                    row.contact_due.date,
                    url(row.person_id),
                    people,
                    row.adviser_name,
                )
            )
    return items
