"""Need-to-know for independent reviewing officers.

A child's IRO (``CarePeriod.iro``, allocated to each looked-after child) chairs their reviews
and sees their record while the period of care is open, with the child's allocated team as
always. Another reviewing officer does not. Restricted records stay hidden unless the IRO is
named on them (applied by ``haven.people.access``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from haven.accounts.permissions import Capability, user_can
from haven.care.models import CarePeriod


def iro_of_child(user: Any) -> Q:
    if not user_can(user, Capability.CHAIR_CONFERENCES):
        return Q(pk__in=[])  # nothing to add, and nothing for everyone else's queries to pay
    return Q(
        Exists(CarePeriod.objects.filter(person=OuterRef("pk"), iro=user, end_date__isnull=True))
    )
