"""Need-to-know for personal advisers: a young person's personal adviser sees their record while
allocated, with the allocated team as always. Restricted records stay hidden unless the adviser
is named on them (applied by ``haven.people.access``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from haven.accounts.permissions import Capability, user_can
from haven.leavingcare.models import AdviserAllocation


def adviser_of_young_person(user: Any) -> Q:
    if not user_can(user, Capability.HOLD_CASES):
        return Q(pk__in=[])
    return Q(
        Exists(
            AdviserAllocation.objects.filter(
                person=OuterRef("pk"), adviser=user, end_date__isnull=True
            )
        )
    )
