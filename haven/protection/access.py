"""Need-to-know for conference chairs.

A chair (a reviewing officer) sees the children of the conferences and reviews they chair:
the conference names them as its chair. Before a conference has been held it has no chair yet,
so the reviewing team as a whole sees the children whose conferences are due and not yet
chaired: any of its members may be asked to chair one, and needs to read the record to
prepare. Once the conference is recorded with its chair, only that chair keeps the child (with
the child's allocated team, as always); the other reviewing officers no longer see it.
Restricted records stay hidden unless the chair is named on them (applied by
``haven.people.access``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from haven.accounts.models import Membership, TeamKind
from haven.accounts.permissions import Capability, user_can
from haven.protection.models import Conference


def chaired_conferences(user: Any) -> Q:
    if not user_can(user, Capability.CHAIR_CONFERENCES):
        return Q(pk__in=[])  # nothing to add, and nothing for everyone else's queries to pay
    chaired = Conference.objects.filter(person=OuterRef("pk"), chair=user)
    unchaired = Conference.objects.filter(
        person=OuterRef("pk"), chair__isnull=True, held_on__isnull=True
    )
    in_reviewing_team = Membership.objects.filter(user=user, team__kind=TeamKind.REVIEWING)
    return Q(Exists(chaired)) | (Q(Exists(unchaired)) & Q(Exists(in_reviewing_team)))
