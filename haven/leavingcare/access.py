"""Need-to-know for personal advisers: a young person's personal adviser sees their record while
allocated, and so do the managers of the adviser's teams (who see their overdue contacts on the
manager's view), with the allocated team as always. Restricted records stay hidden unless the
reader is named on them (applied by ``haven.people.access``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from haven.accounts.models import Membership
from haven.accounts.permissions import Capability, user_can
from haven.leavingcare.models import AdviserAllocation
from haven.people.access import user_team_ids


def adviser_of_young_person(user: Any) -> Q:
    if not user_can(user, Capability.HOLD_CASES):
        return Q(pk__in=[])
    advised = AdviserAllocation.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    if user_can(user, Capability.SEE_TEAM_WORK):
        members = Membership.objects.filter(team_id__in=user_team_ids(user)).values("user_id")
        return Q(Exists(advised.filter(Q(adviser=user) | Q(adviser_id__in=members))))
    return Q(Exists(advised.filter(adviser=user)))
