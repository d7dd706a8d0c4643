"""What is already known about the children on a contact: the front door's own history checks,
so the MASH worker decides with the facts.

Earlier contacts, referrals (with the re-referral flag), the open episode and the allocated
worker are read here; open plans belong to the parts of the service above the front door,
which register them from their app's ``ready()`` (``register_open_plan``), so this module never
imports them. Only the children the contact page shows (those the user may see: its team sees
them by the front-door rule, no emergency access needed) are looked up, in a fixed number of
queries whatever the number of children.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from haven.frontdoor.models import Contact, ContactChild, Referral
from haven.people.models import Allocation


@dataclass(frozen=True)
class OpenPlan:
    """A kind of plan a child may have open: ``model`` has ``person``, ``start_field`` and an
    ``end_field`` that is empty while the plan is open."""

    label: str
    model: type[models.Model]
    start_field: str = "start_date"
    end_field: str = "end_date"


_OPEN_PLANS: list[OpenPlan] = []


def register_open_plan(plan: OpenPlan) -> None:
    """Called from an app's ready() (child protection plans, child in need plans, ...)."""
    if all(p.label != plan.label for p in _OPEN_PLANS):
        _OPEN_PLANS.append(plan)


@dataclass
class ChildHistory:
    earlier_contacts: list[ContactChild] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    plans: list[tuple[str, datetime.date | None]] = field(default_factory=list)
    allocation: Allocation | None = None

    @property
    def open_referral(self) -> Referral | None:
        return next((r for r in self.referrals if r.closure_date is None), None)

    @property
    def is_new_to_us(self) -> bool:
        return not (self.earlier_contacts or self.referrals or self.plans or self.allocation)


def contact_history(contact: Contact) -> dict[int, ChildHistory]:
    """Each shown child's history, by person id (the children prefetched on ``contact`` are
    those the user may see)."""
    ids = [c.person_id for c in contact.children.all()]
    history: dict[int, ChildHistory] = defaultdict(ChildHistory)
    if not ids:
        return {}
    earlier = (
        ContactChild.objects.filter(person_id__in=ids)
        .exclude(contact=contact)
        .select_related("contact")
        .order_by("-contact__received_at")
    )
    for row in earlier:
        history[row.person_id].earlier_contacts.append(row)
    for referral in (
        # Referrals this contact itself opened are its outcome, not the children's history.
        Referral.objects.filter(person_id__in=ids)
        .exclude(contact_child__contact=contact)
        .select_related("team")
        .order_by("-referral_date", "-pk")
    ):
        history[referral.person_id].referrals.append(referral)
    for allocation in Allocation.objects.filter(
        person_id__in=ids, end_date__isnull=True
    ).select_related("team", "worker"):
        history[allocation.person_id].allocation = allocation
    for plan in _OPEN_PLANS:
        rows: Any = plan.model._default_manager.filter(  # type: ignore[attr-defined]
            person_id__in=ids, **{f"{plan.end_field}__isnull": True}
        ).values_list("person_id", plan.start_field)
        for person_id, start in rows:
            history[person_id].plans.append((plan.label, start))
    return {i: history[i] for i in ids}
